// @coex/plugin-space-nasbench201: the NAS-Bench-201 cell space (6 edges x 5 ops) for tabular
// benchmarks, optionally restricted to the cells a partial table lists, with NAS-Bench-201's own
// isomorphism-aware de-duplication.
import * as path from 'node:path';
import { definePlugin, z, type RoleResolver } from '@coex/core';
import { readCellSet } from './cell-set';
import { tapDedupe } from './dedupe';
import { Nb201Space } from './space';

export const PLUGIN_NAME = '@coex/plugin-space-nasbench201';

export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  role: 'space',
  description: 'NAS-Bench-201 cell: 6 edges, each none/skip_connect/nor_conv_1x1/nor_conv_3x3/avg_pool_3x3',
  options: z.object({
    /** 'isomorphism': a cell equivalent to one already trained in the run reuses its result. */
    dedupe: z.enum(['none', 'isomorphism']).default('none'),
    /** A CSV listing the allowed cells (a partial benchmark table); absent: all 15,625 cells. */
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
    ctx.provide('space', (resolver) => {
      roles = resolver;
      return new Nb201Space(allowed ?? load());
    });
    if (options.dedupe === 'isomorphism') tapDedupe(ctx.hooks, PLUGIN_NAME, () => roles);
  },
});

export { OPS, EDGES, CELL_COUNT, decodeCell, encodeCell, allCellTokens, type Nb201Op } from './cell';
export { canonicalCell } from './isomorphism';
export { CellSet, readCellSet } from './cell-set';
export { Nb201Space, NB201_KIND, NB201_DECISIONS, isNb201Cell, type Nb201Architecture } from './space';
export { tapDedupe } from './dedupe';
