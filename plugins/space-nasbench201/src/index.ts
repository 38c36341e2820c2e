// @coex/plugin-space-nasbench201: the NAS-Bench-201 cell space (6 edges x 5 ops) for tabular
// benchmarks, optionally restricted to the cells a partial table lists, with NAS-Bench-201's own
// isomorphism-aware de-duplication.
import * as path from 'node:path';
import { UserError, definePlugin, z, type RoleResolver } from '@coex/core';
import { encodeCell } from './cell';
import { CellSet, readCellSet } from './cell-set';
import { tapDedupe } from './dedupe';
import { Nb201Space } from './space';

export const PLUGIN_NAME = '@coex/plugin-space-nasbench201';

/**
 * The cells of the trainer's table, when the trainer is a lookup table (trainer-tabular): a search
 * over a table is never silently restricted to another table's cells, nor sent to cells it lacks.
 */
async function trainerCells(roles: RoleResolver): Promise<CellSet | undefined> {
  if (!roles.has('trainer')) return undefined;
  const keys = (await roles.get('trainer')).architectureKeys?.();
  if (!keys) return undefined;
  const cells = keys.filter((key) => {
    try {
      encodeCell(key);
      return true;
    } catch {
      return false;
    }
  });
  if (cells.length === 0) {
    throw new UserError(`space: the trainer's table lists no NAS-Bench-201 cells (e.g. ${JSON.stringify(keys[0])}); set space.cellsCsv to a table of cells, or check trainer.archColumn`);
  }
  return new CellSet(cells);
}

const { version } = require('../package.json') as { version: string };

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'space',
  description: 'NAS-Bench-201 cell: 6 edges, each none/skip_connect/nor_conv_1x1/nor_conv_3x3/avg_pool_3x3',
  options: z.object({
    /** 'isomorphism': a cell equivalent to one already trained in the run reuses its result. */
    dedupe: z.enum(['none', 'isomorphism']).default('none'),
    /** A CSV listing the allowed cells (a partial benchmark table); absent: the cells of the trainer's table when it is one, else all 15,625. */
    cellsCsv: z.string().min(1).transform((file) => path.resolve(file)).optional(),
    /** The column of cellsCsv holding cell strings. */
    cellsColumn: z.string().min(1).default('arch_str'),
  }),
  apply(ctx, options) {
    const load = () =>
      options.cellsCsv
        ? readCellSet(options.cellsCsv, { column: options.cellsColumn, fileOption: 'space.cellsCsv', columnOption: 'space.cellsColumn' })
        : undefined;
    // Read the cell list now, so that a bad file stops the run before its first trial (not in read-only commands).
    const allowed = ctx.readOnly ? undefined : load();
    let roles: RoleResolver | undefined;
    ctx.provide('space', async (resolver) => {
      roles = resolver;
      return new Nb201Space(allowed ?? load() ?? (await trainerCells(resolver)));
    });
    if (options.dedupe === 'isomorphism') tapDedupe(ctx.hooks, PLUGIN_NAME, () => roles);
  },
});

export { OPS, EDGES, CELL_COUNT, decodeCell, encodeCell, allCellTokens, type Nb201Op } from './cell';
export { canonicalCell } from './isomorphism';
export { CellSet, readCellSet } from './cell-set';
export { Nb201Space, NB201_KIND, NB201_DECISIONS, isNb201Cell, type Nb201Architecture } from './space';
export { tapDedupe } from './dedupe';
