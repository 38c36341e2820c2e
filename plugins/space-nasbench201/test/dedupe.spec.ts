import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHooks, type PluginEntry, type RoleResolver, type Trial } from '@coex/core';
import { createTestPipeline } from '@coex/testing';
import { canonicalCell, tapDedupe } from '../src';

// Two pairs of isomorphic cells (see cell.spec.ts) with different accuracies in the table.
const A1 = '|skip_connect~0|+|none~0|none~1|+|nor_conv_3x3~0|skip_connect~1|none~2|';
const A2 = '|skip_connect~0|+|none~0|none~1|+|skip_connect~0|nor_conv_3x3~1|none~2|';
const B1 = '|nor_conv_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|nor_conv_3x3~0|none~1|none~2|';
const B2 = '|skip_connect~0|+|none~0|skip_connect~1|+|nor_conv_3x3~0|none~1|none~2|';
const C = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|';

describe('space-nasbench201: isomorphism-aware de-duplication', () => {
  let dir: string;
  let csv: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-nb201-dedupe-'));
    csv = path.join(dir, 'table.csv');
    fs.writeFileSync(csv, `genotype,top1\n"${A1}",70\n"${A2}",71\n"${B1}",60\n"${B2}",61\n"${C}",90\n`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(dedupe: 'none' | 'isomorphism') {
    const pipeline = createTestPipeline({
      plugins: [
        'controller-random',
        ['space-nasbench201', { dedupe, cellsCsv: csv, cellsColumn: 'genotype' }],
        ['trainer-tabular', { csv, archColumn: 'genotype', valColumn: 'top1', testColumn: '' }],
      ] as PluginEntry[],
      seed: 11,
      budget: 30,
    });
    return (await pipeline.execute()).trials;
  }

  it('queries each isomorphism class once; later members reuse the first result', async () => {
    const trials = await run('isomorphism');
    expect(trials.every((t) => t.status === 'done')).to.equal(true);
    const first = new Map<string, Trial>();
    for (const t of trials) {
      const arch = t.candidate.architecture as unknown as { cell: string; canonical: string };
      expect(arch.canonical).to.equal(canonicalCell(arch.cell));
      const earlier = first.get(arch.canonical);
      if (!earlier) {
        first.set(arch.canonical, t);
        expect(t.training).to.include({ queries: 1, backend: 'table' });
        continue;
      }
      expect(t.training).to.include({ queries: 0, duplicateOf: earlier.seq, accuracy: earlier.training!.accuracy, seconds: 0 });
    }
    expect(first.size).to.equal(3); // {A1, A2}, {B1, B2}, {C}
    const queries = trials.reduce((s, t) => s + (t.training?.queries as number), 0);
    expect(queries).to.equal(3);
    // Both members of a pair were proposed, so some trial got its isomorph's accuracy, not its own row's.
    const cells = new Set(trials.map((t) => t.candidate.architecture.cell));
    expect([A1, A2, B1, B2].filter((c) => cells.has(c)).length).to.be.greaterThan(2);
  });

  it("with dedupe 'none' every trial is a query and gets its own row", async () => {
    const trials = await run('none');
    const table = new Map([[A1, 0.7], [A2, 0.71], [B1, 0.6], [B2, 0.61], [C, 0.9]]);
    for (const t of trials) {
      expect(t.training).to.include({ queries: 1 });
      expect(t.training?.accuracy).to.be.closeTo(table.get(t.candidate.architecture.cell as string)!, 1e-12);
      expect(t.candidate.architecture).to.not.have.property('canonical');
    }
  });

  it('reloads the results stored before a resume', async () => {
    const hooks = createHooks();
    const stored = { seq: 4, status: 'done', candidate: { tokens: { arch: [], hw: [] }, architecture: { kind: 'nb201-cell', cell: A1 } }, training: { accuracy: 0.7, queries: 1 } } as unknown as Trial;
    const resolver = { has: () => true, get: async () => ({ listTrials: async () => [stored] }) } as unknown as RoleResolver;
    tapDedupe(hooks, 'test', () => resolver);
    const ctx = { runId: 'main', seq: 9, batch: 2, seed: 1 };
    const candidate = { tokens: { arch: [], hw: [] }, architecture: { kind: 'nb201-cell', cell: A2 } };
    expect(await hooks.train.promise(candidate, ctx)).to.equal(undefined);
    await hooks.runStart.promise({ runId: 'main', dir: '/x', seed: 1, resumed: true, decisions: { arch: [], hw: [] } });
    expect(await hooks.train.promise(candidate, ctx)).to.deep.equal({ accuracy: 0.7, queries: 0, duplicateOf: 4, seconds: 0 });
  });
});
