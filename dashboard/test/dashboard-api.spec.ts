// The dashboard's endpoints without a browser, on a real (tiny) run: /api/summary, /api/trials,
// /events following a trial written into the store, the token off loopback, and the folder left
// unchanged by reading it.
import { expect } from 'chai';
import * as http from 'node:http';
import * as path from 'node:path';
import { prepareStudy, runStudy } from '@coex/study';
import { ARM_PALETTE } from '@coex/report';
import { startDashboard, type Dashboard, type Summary, type TrialRow } from '../src';
import { TINY_PRESET, doneTrial, get, hashFolder, tempDir, tinyRun, writeTrial } from './helpers';

/** Collects the `update` events of an SSE stream. */
function follow(url: string): { events: { revision: number }[]; close(): void; next(count: number, ms: number): Promise<void> } {
  const events: { revision: number }[] = [];
  let buffer = '';
  const request = http.get(url, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (block.includes('event: update') && data) events.push(JSON.parse(data.slice(6)));
      }
    });
  });
  request.on('error', () => {});
  return {
    events,
    close: () => request.destroy(),
    async next(count, ms) {
      const until = Date.now() + ms;
      while (events.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      if (events.length < count) throw new Error(`expected ${count} update events within ${ms} ms, got ${events.length}`);
    },
  };
}

describe('coex dashboard: API', function () {
  this.timeout(60_000);
  let dir: string;
  let dashboard: Dashboard | undefined;

  before(async () => {
    dir = await tinyRun(path.join(tempDir(), 'run'), 8);
  });

  afterEach(async () => {
    await dashboard?.close();
    dashboard = undefined;
  });

  it('serves the summary and every trial, readable, without changing the folder', async () => {
    const before = hashFolder(dir);
    const started = Date.now();
    dashboard = await startDashboard(dir, { port: 0 });
    expect(Date.now() - started, 'ms to serve').to.be.below(3000);
    expect(dashboard.token).to.equal(undefined);
    expect(dashboard.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const summary = JSON.parse((await get(`${dashboard.url}api/summary`)).body) as Summary;
    expect(summary.kind).to.equal('run');
    expect(summary.arms).to.deep.equal([{ label: 'tiny', color: ARM_PALETTE[0], preset: 'tiny' }]);
    expect(summary.runs).to.have.length(1);
    const [run] = summary.runs;
    expect(run).to.include({ id: 'main', status: 'finished', progress: 1 });
    expect(run.counts.sampled).to.equal(8);
    expect(run.counts.pruned + run.counts.trained + run.counts.failed).to.equal(8);
    expect(summary.spec).to.deep.equal({ minThroughput: 150 });
    expect(summary.hypervolume.tiny).to.have.length(run.counts.trained + run.counts.failed);
    expect(summary.hypervolumeBySeconds.length).to.equal(summary.hypervolume.tiny.length);
    expect(Object.keys(summary.stageSeconds.tiny)).to.include.members(['sample', 'fastEvaluate', 'prune', 'train', 'reward']);

    const response = await get(`${dashboard.url}api/trials`);
    expect(response.headers['content-type']).to.match(/application\/json/);
    const trials = JSON.parse(response.body) as TrialRow[];
    expect(trials.map((t) => t.seq).sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const t of trials) {
      expect(t.run).to.equal('main');
      // The tiny space: two conv layers, "kernel x filters" with "/stride" when it is not 1.
      expect(t.network).to.match(/^\d+x\d+(\/\d+)? \d+x\d+(\/\d+)?$/);
      expect(t.design).to.be.a('string').and.not.match(/^\{/);
    }
    expect(trials.filter((t) => t.status === 'pruned')).to.have.length(run.counts.pruned);
    expect(trials.filter((t) => t.status === 'done').every((t) => typeof t.accuracy === 'number' && typeof t.throughput === 'number')).to.equal(true);
    expect(summary.fronts.throughput.tiny.length).to.be.greaterThan(0);

    expect((await get(dashboard.url)).body).to.include('<title>Coex dashboard</title>');
    // Bound to loopback without a token, a request naming another host (DNS rebinding) is refused.
    expect((await get(`${dashboard.url}api/trials`, { host: 'attacker.example:8770' })).status).to.equal(403);
    expect((await get(`${dashboard.url}api/trials`, { host: 'localhost' })).status).to.equal(200);
    expect((await get(`${dashboard.url}vendor/vega-embed.min.js`)).status).to.equal(200);
    await dashboard.close();
    dashboard = undefined;
    expect(hashFolder(dir)).to.deep.equal(before);
  });

  it('/events announces a trial written into the store while it runs', async () => {
    const live = tempDir();
    const runDir = await tinyRun(path.join(live, 'run'), 4);
    dashboard = await startDashboard(runDir, { port: 0, pollMs: 100 });
    const stream = follow(`${dashboard.url}events`);
    try {
      await stream.next(1, 5000);
      const first = stream.events[0].revision;
      await writeTrial(runDir, 'main', doneTrial(4, 0.97, 4321));
      await stream.next(2, 5000);
      expect(stream.events[1].revision).to.equal(first + 1);
      const trials = JSON.parse((await get(`${dashboard.url}api/trials`)).body) as TrialRow[];
      const added = trials.find((t) => t.seq === 4)!;
      expect(added).to.include({ status: 'done', accuracy: 0.97, throughput: 4321, network: '7x64 5x48/2', design: 'XC7Z020[0] XC7A50T[1]' });
      expect(added.curve).to.have.length(2);
      const summary = JSON.parse((await get(`${dashboard.url}api/summary`)).body) as Summary;
      expect(summary.revision).to.equal(first + 1);
      expect(summary.fronts.throughput.tiny.map((p) => p.trial)).to.include(4);
    } finally {
      stream.close();
    }
  });

  it('a study: every run with its arm and seed, each arm in the report\'s colour', async () => {
    const studyDir = path.join(tempDir(), 'study');
    const prepared = await prepareStudy({
      arms: [{ label: 'random', preset: TINY_PRESET }, { label: 'evolution', preset: path.join(TINY_PRESET, '..', 'tiny-evolution.ts') }],
      seeds: [1],
      budget: 4,
      out: studyDir,
    });
    try {
      await runStudy(prepared);
    } finally {
      prepared.release();
    }
    dashboard = await startDashboard(studyDir, { port: 0 });
    const summary = JSON.parse((await get(`${dashboard.url}api/summary`)).body) as Summary;
    expect(summary.kind).to.equal('study');
    expect(summary.arms.map((a) => [a.label, a.color])).to.deep.equal([['random', ARM_PALETTE[0]], ['evolution', ARM_PALETTE[1]]]);
    expect(summary.runs.map((r) => [r.arm, r.seed, r.status, r.counts.sampled])).to.deep.equal([['random', 1, 'finished', 4], ['evolution', 1, 'finished', 4]]);
    expect(Object.keys(summary.stageSeconds)).to.deep.equal(['random', 'evolution']);
    const trials = JSON.parse((await get(`${dashboard.url}api/trials`)).body) as TrialRow[];
    expect(trials).to.have.length(8);
    expect(new Set(trials.map((t) => `${t.arm}:${t.run}`))).to.deep.equal(new Set(summary.runs.map((r) => `${r.arm}:${r.id}`)));
  });

  it('off loopback, every request needs the token (401 without it, 403 when wrong), then a cookie', async () => {
    dashboard = await startDashboard(dir, { port: 0, host: '0.0.0.0' });
    const token = dashboard.token!;
    expect(token).to.match(/^[0-9a-f]{48}$/);
    expect(dashboard.url).to.equal(`${dashboard.origin}?token=${token}`);
    const origin = dashboard.origin;
    for (const route of ['', 'api/summary', 'api/trials', 'events', 'app.js']) {
      expect((await get(`${origin}${route}`)).status, route).to.equal(401);
      expect((await get(`${origin}${route}?token=wrong`)).status, route).to.equal(403);
    }
    const withToken = await get(`${origin}api/summary?token=${token}`);
    expect(withToken.status).to.equal(200);
    const cookie = String(withToken.headers['set-cookie']).split(';')[0];
    expect(cookie).to.equal(`coex_dashboard_token=${token}`);
    expect((await get(`${origin}api/trials`, { cookie })).status).to.equal(200);
    expect((await get(`${origin}api/trials`, { cookie: 'coex_dashboard_token=nope' })).status).to.equal(403);
  });
});
