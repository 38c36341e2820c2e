// What durability costs: trials saved per second with synchronous FULL (the default: an fsync per
// saved trial, survives power loss) against NORMAL (survives a crash of Coex only), each trial in
// its own transaction as the store does it; plus reading a run back.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteStore, type SynchronousMode } from '../src';
import { fullTrial } from '../test/fixtures';

const TRIALS = 400;

async function timePuts(dir: string, synchronous: SynchronousMode): Promise<number> {
  const store = new SqliteStore(path.join(dir, `${synchronous}.db`), { synchronous });
  const trials = Array.from({ length: TRIALS }, (_, seq) => fullTrial(seq));
  const t0 = performance.now();
  for (const trial of trials) await store.putTrial('r1', trial);
  const ms = performance.now() - t0;
  await store.close();
  return ms;
}

async function timeRead(dir: string): Promise<number> {
  const store = new SqliteStore(path.join(dir, 'full.db'), { readOnly: true });
  const t0 = performance.now();
  const trials = await store.listTrials('r1');
  const ms = performance.now() - t0;
  if (trials.length !== TRIALS) throw new Error(`read ${trials.length} trials, expected ${TRIALS}`);
  await store.close();
  return ms;
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-store-bench-'));
  try {
    const bytes = Buffer.byteLength(JSON.stringify(fullTrial(0)));
    const rows: string[] = [];
    for (const mode of ['full', 'normal'] as const) {
      const ms = await timePuts(dir, mode);
      rows.push(`| putTrial, synchronous ${mode.toUpperCase()} | ${TRIALS} | ${(ms / TRIALS).toFixed(3)} | ${Math.round((TRIALS / ms) * 1000)} |`);
    }
    const readMs = await timeRead(dir);
    rows.push(`| listTrials (one call, read-only connection) | ${TRIALS} | ${(readMs / TRIALS).toFixed(3)} | ${Math.round((TRIALS / readMs) * 1000)} |`);
    console.log([
      '## store-sqlite: cost of saving each trial durably',
      '',
      `Each trial (${bytes} bytes as JSON, every field set) saved in its own transaction to a WAL-mode file in ${os.tmpdir()}.`,
      'FULL syncs the WAL to disk at every commit; NORMAL syncs only at checkpoints.',
      '',
      '| operation | trials | ms per trial | trials/s |',
      '| --- | ---: | ---: | ---: |',
      ...rows,
    ].join('\n'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})();
