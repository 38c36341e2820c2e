// Learning curves and early stopping through the real `coex` bin, on the tiny preset with the fake
// trainer's curves (4 epochs; accuracy at an epoch depends on the network and the epoch only): ASHA
// stops and promotes children in worker threads and in process, the store keeps each curve, the
// exports show it, budgets in images end a run, and a run killed with SIGKILL and resumed makes
// the same stopping decisions as one that was not.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { coex, coexAsync, tempDir, TINY_PRESET } from './helpers/cli';

interface Row {
  trial: number;
  status: string;
  accuracy?: number;
  stoppedReason?: string;
  resource?: number;
  promotedIn?: number[];
  curve?: { step: number; epoch: number; accuracy: number; loss: number; images?: number }[];
}

function configFile(dir: string, extra: unknown[] = []): string {
  const file = path.join(dir, 'asha.json');
  fs.writeFileSync(file, JSON.stringify({
    preset: TINY_PRESET,
    plugins: [['scheduler-asha', { resource: 'epochs', minResource: 1, reductionFactor: 2, maxResource: 4 }], ...extra],
    trainer: { epochs: 4 },
  }));
  return file;
}

const exported = (dir: string): Row[] => JSON.parse(coex(['export', dir, '--format', 'json']).stdout);
/** What must not differ between two runs of one seed: outcomes, curves and decisions (not timings). */
const decisions = (rows: Row[]) => rows.map((r) => ({ trial: r.trial, status: r.status, accuracy: r.accuracy, stoppedReason: r.stoppedReason, resource: r.resource, curve: r.curve }));

describe('early stopping through the CLI (tiny preset, fake learning curves, ASHA)', function () {
  this.timeout(300_000);

  it('stops and promotes children trained in worker threads; show counts them; the exports keep every curve', () => {
    const base = tempDir();
    const dir = path.join(base, 'pool');
    const r = coex(['run', '--config', configFile(base, [['executor-pool', { workers: 2 }]]), '--budget', '16', '--out', dir, '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const shown = JSON.parse(coex(['show', dir, '--json']).stdout);
    expect(shown.counts.stopped).to.be.at.least(1);
    expect(shown.counts.sampled).to.equal(16);
    expect(coex(['show', dir]).stdout).to.match(new RegExp(`${shown.counts.stopped} stopped early`));
    const rows = exported(dir);
    for (const row of rows) {
      const epochs = row.curve!.map((p) => p.epoch);
      // Each curve runs 1, 2, ... without a gap or a repeat, also across a promotion.
      expect(epochs, `trial ${row.trial}`).to.deep.equal(epochs.map((_, i) => i + 1));
      if (row.status === 'done') expect(epochs).to.have.length(4);
      if (row.status === 'stopped') {
        expect(row.stoppedReason).to.match(/^ASHA: rung \d \(\d epochs\): accuracy [\d.]+ is not among the best \d+ of \d+ trials there$/);
        expect(row.resource).to.equal(epochs.at(-1));
        expect(row.accuracy).to.equal(row.curve!.at(-1)!.accuracy);
      }
    }
    // The first batch has no earlier trials to be judged against: it trains to the end.
    expect(rows.slice(0, 4).map((r) => r.status)).to.deep.equal(['done', 'done', 'done', 'done']);
    expect(rows.some((r) => r.status === 'stopped' && r.curve!.length < 4)).to.equal(true);

    const csv = path.join(base, 'trials.csv');
    const e = coex(['export', dir, '--format', 'csv', '--out', csv]);
    expect(e.status, e.stderr).to.equal(0);
    const points = fs.readFileSync(path.join(base, 'trials.curves.csv'), 'utf8').trim().split('\n');
    expect(points[0]).to.equal('trial,step,epoch,images,accuracy,loss');
    expect(points).to.have.length(1 + rows.reduce((n, row) => n + row.curve!.length, 0));
    expect(fs.readFileSync(csv, 'utf8')).to.not.include('[object Object]');
  });

  it('promotes a stopped child from its checkpoint to the accuracy a straight run reaches', () => {
    const base = tempDir();
    const asha = path.join(base, 'asha');
    // eta 2 and 24 candidates: later batches rank below some stopped children, which are then promoted.
    expect(coex(['run', '--config', configFile(base), '--budget', '24', '--out', asha]).status).to.equal(0);
    const straight = path.join(base, 'straight');
    expect(coex(['run', '--preset', TINY_PRESET, '--set', 'trainer.epochs=4', '--budget', '24', '--out', straight]).status).to.equal(0);
    const reference = new Map(exported(straight).map((r) => [r.trial, r]));
    const db = JSON.parse(coex(['export', asha, '--format', 'json']).stdout) as (Row & { trial: number })[];
    const promoted = db.filter((r) => r.promotedIn?.length);
    expect(promoted.length, 'stopped children continued later').to.be.at.least(1);
    for (const r of promoted) expect(r.promotedIn![0]).to.be.above(Math.floor(r.trial / 4));
    for (const r of db.filter((x) => x.status === 'done')) {
      expect(r.accuracy, `trial ${r.trial}`).to.equal(reference.get(r.trial)!.accuracy);
      expect(r.curve).to.deep.equal(reference.get(r.trial)!.curve);
    }
    expect(fs.readdirSync(path.join(asha, 'checkpoints')).length).to.be.at.least(1);
  });

  it('ends a run once the images budget is spent (budget.images, --images)', () => {
    const base = tempDir();
    const dir = path.join(base, 'images');
    const r = coex(['run', '--config', configFile(base), '--budget', '40', '--images', '2000', '--out', dir, '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const rows = exported(dir);
    const seen = rows.reduce((n, row) => n + (row.curve?.at(-1)?.images ?? 0), 0);
    expect(seen).to.be.at.least(2000);
    expect(rows.length).to.be.below(40);
    const bad = coex(['run', '--config', configFile(base), '--set', 'budget.images=0', '--out', path.join(base, 'bad')]);
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.match(/budget\.images: expected a whole number of at least 1, got 0/);
  });

  it('a guided run killed with SIGKILL and resumed makes the same stopping decisions, trial for trial', async () => {
    const base = tempDir();
    const file = configFile(base);
    const args = ['--config', file, '--budget', '20', '--seed', '3', '--set', 'trainer.delayMs=40'];
    const reference = path.join(base, 'ref');
    expect(coex(['run', ...args, '--out', reference]).status).to.equal(0);
    const dir = path.join(base, 'killed');
    const child = coexAsync(['run', ...args, '--out', dir]);
    await new Promise<void>((resolve) => {
      let text = '';
      child.stderr!.on('data', (d) => {
        text += d;
        // After the first stopping decision: the kill lands in a batch that ASHA judges.
        if (/stopped acc=/.test(text)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.on('exit', r));
    const partial = JSON.parse(coex(['show', dir, '--json']).stdout);
    expect(partial.counts.sampled).to.be.below(20);
    const resumed = coex(['resume', '--trust-folder', dir]);
    expect(resumed.status, resumed.stderr).to.equal(0);
    const ref = exported(reference);
    expect(ref.filter((r) => r.status === 'stopped').length).to.be.at.least(1);
    expect(decisions(exported(dir))).to.deep.equal(decisions(ref));
  });
});
