// The dashboard in a real browser: Debian's Chromium through playwright-core. The page loads with
// no console error and no request off the machine, draws the front with tooltips naming trial,
// network and design, sorts and filters its table, shows a trial written into the store after it
// loaded (no reload), asks for the token off loopback, and reading leaves the run folder unchanged.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDashboard, type Dashboard } from '../src';
import { doneTrial, hashFolder, tempDir, tinyRun, writeTrial } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

describe('coex dashboard in headless Chromium', function () {
  this.timeout(90_000);
  let browser: Browser | undefined;
  let dir: string;
  const dashboards: Dashboard[] = [];

  before(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}; the dashboard's browser check needs it: apt-get install chromium`);
    const root = tempDir();
    dir = await tinyRun(path.join(root, 'run'), 8);
    // playwright's launch() gives the browser a fresh, temporary --user-data-dir of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  after(async () => {
    await browser?.close();
    for (const d of dashboards) await d.close();
  });

  async function open(url: string): Promise<{ page: Page; errors: string[]; offMachine: string[] }> {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    const offMachine: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('request', (r) => { if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(r.url()) && !r.url().startsWith('data:')) offMachine.push(r.url()); });
    await page.goto(url);
    await page.waitForSelector('body[data-drawn]', { timeout: 30_000 });
    return { page, errors, offMachine };
  }

  it('loads with no error, draws the front with tooltips, sorts and filters; the folder is unchanged', async () => {
    const before = hashFolder(dir);
    const dashboard = await startDashboard(dir, { port: 0 });
    dashboards.push(dashboard);
    const { page, errors, offMachine } = await open(dashboard.url);

    expect(await page.locator('#runs tbody tr').count()).to.equal(1);
    expect(await page.locator('#runs tbody tr td.status').textContent()).to.equal('finished');
    expect(await page.locator('#trials tbody tr').count()).to.equal(8);
    // Every chart with data is an SVG with drawn points; the learning curves say there are none.
    for (const name of ['pareto-throughput', 'pareto-energyEfficiency', 'hardware', 'hypervolume', 'accuracy-trial', 'stage-time']) {
      const marks = await page.locator(`figure[data-chart="${name}"] svg g.mark-symbol path, figure[data-chart="${name}"] svg g.mark-rect path`).count();
      expect(marks, name).to.be.greaterThan(0);
    }
    expect(await page.locator('figure[data-chart="curves"]').textContent()).to.include('No curves recorded');
    // The spec limit is drawn on the front.
    expect(await page.locator('figure[data-chart="pareto-throughput"] svg').textContent()).to.include('minThroughput 150');

    // Hovering a point of the front names its trial, network and design.
    const point = page.locator('figure[data-chart="pareto-throughput"] svg g.mark-symbol path').first();
    await point.hover({ force: true });
    const tooltip = page.locator('#vg-tooltip-element');
    await tooltip.waitFor({ state: 'visible', timeout: 5000 });
    const tip = (await tooltip.textContent()) ?? '';
    expect(tip).to.match(/trial#\d+/);
    expect(tip).to.match(/network\d+x\d+/);
    expect(tip).to.include('design');

    // Sort by accuracy (descending on first click), then filter by status.
    await page.click('#trials th[data-key="accuracy"]');
    const accuracies = await page.$$eval('#trials tbody tr[data-status="done"]', (rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));
    expect(accuracies.length).to.be.greaterThan(1);
    const shown = await page.$$eval('#trials tbody tr td:nth-child(4)', (cells) => cells.map((c) => c.textContent));
    const numbers = shown.filter((s) => s !== '–').map((s) => Number(s!.replace('%', '')));
    expect(numbers).to.deep.equal([...numbers].sort((a, b) => b - a));
    await page.selectOption('#f-status', 'pruned');
    const pruned = await page.$$eval('#trials tbody tr', (rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(pruned.length).to.be.greaterThan(0);
    expect(new Set(pruned)).to.deep.equal(new Set(['pruned']));
    await page.selectOption('#f-status', '');
    await page.fill('#f-network', 'no such network');
    expect(await page.locator('#trials tbody tr').count()).to.equal(0);

    expect(errors).to.deep.equal([]);
    expect(offMachine).to.deep.equal([]);
    await page.close();
    await dashboard.close();
    expect(hashFolder(dir)).to.deep.equal(before);
  });

  it('shows a trial that finishes after the page loaded, without a reload', async () => {
    const live = path.join(tempDir(), 'live');
    fs.cpSync(dir, live, { recursive: true });
    const dashboard = await startDashboard(live, { port: 0, pollMs: 200 });
    dashboards.push(dashboard);
    const { page, errors } = await open(dashboard.url);
    // Page code as strings: the tests compile without the DOM library.
    await page.evaluate('window.loadedOnce = true');
    const revision = Number(await page.getAttribute('body', 'data-drawn'));
    expect(await page.locator('#trials tbody tr[data-seq="8"]').count()).to.equal(0);

    await writeTrial(live, 'main', doneTrial(8, 0.99, 100_000));
    await page.waitForSelector('#trials tbody tr[data-seq="8"]', { timeout: 10_000 });
    await page.waitForFunction(`Number(document.body.dataset.drawn) > ${revision}`, undefined, { timeout: 10_000 });
    expect(await page.evaluate('window.loadedOnce')).to.equal(true);
    expect(await page.locator('#trials tbody tr[data-seq="8"] td:nth-child(4)').textContent()).to.equal('99.00%');
    expect(await page.locator('#trials tbody tr[data-seq="8"] td.mono').first().textContent()).to.equal('7x64 5x48/2');
    // Its curve is drawn, and it joins the front.
    expect(await page.locator('figure[data-chart="curves"] svg g.mark-line path').count()).to.be.greaterThan(0);
    expect(await page.locator('#trials tbody tr').count()).to.equal(9);
    expect(errors).to.deep.equal([]);
    await page.close();
  });

  it('off loopback the page needs its token, then works through the cookie', async () => {
    const dashboard = await startDashboard(dir, { port: 0, host: '0.0.0.0' });
    dashboards.push(dashboard);
    const page = await browser!.newPage();
    const denied = await page.goto(dashboard.origin);
    expect(denied?.status()).to.equal(401);
    await page.close();
    const { page: allowed, errors } = await open(dashboard.url);
    expect(await allowed.locator('#trials tbody tr').count()).to.equal(8);
    expect(errors).to.deep.equal([]);
    await allowed.close();
  });
});
