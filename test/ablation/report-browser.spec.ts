// The report in a real browser: headless Chromium (Debian's, through playwright-core) opens
// report.html from disk; no console or page errors, and every chart is an SVG with drawn marks.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { prepareStudy, runStudy } from '@coex/study';
import { writeReport } from '@coex/report';
import { chromium, type Browser } from 'playwright-core';
import { FIXTURES, tempDir, TINY_PRESET } from '../helpers/cli';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

describe('coex report in headless Chromium', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;
  let html: string;

  before(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM}; the report's browser check needs it: apt-get install chromium`);
    }
    const dir = path.join(tempDir(), 'study');
    const prepared = await prepareStudy({
      arms: [{ label: 'random', preset: TINY_PRESET }, { label: 'evolution', preset: path.join(FIXTURES, 'presets', 'tiny-evolution.ts') }],
      seeds: [1, 2],
      budget: 8,
      sets: ['spec.minThroughput=500'],
      out: dir,
    });
    try {
      expect((await runStudy(prepared)).status).to.equal('finished');
    } finally {
      prepared.release();
    }
    html = (await writeReport(dir)).html;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  after(async () => {
    await browser?.close();
  });

  it('renders with no errors, every chart drawn with marks', async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    const charts = await page.$$eval('figure[data-chart]', (figures) => figures.map((f) => {
      const svg = f.querySelector('svg')!;
      const box = svg?.getBoundingClientRect();
      const marks = svg ? [...svg.querySelectorAll('g.mark-symbol path, g.mark-line path, g.mark-area path, g.mark-rect path')] : [];
      return {
        name: f.getAttribute('data-chart'),
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        // Marks that are drawn: a path with geometry and a non-empty box on the page.
        marks: marks.filter((m) => (m.getAttribute('d') ?? '').length > 0 && m.getBoundingClientRect().width + m.getBoundingClientRect().height > 0).length,
      };
    }));
    expect(errors).to.deep.equal([]);
    expect(requests).to.deep.equal([]);
    expect(charts.map((c) => c.name)).to.deep.equal(['pareto-throughput', 'pareto-energyEfficiency', 'accuracy-trial', 'hypervolume', 'counts', 'stage-time']);
    for (const c of charts) {
      expect(c.width, c.name!).to.be.greaterThan(100);
      expect(c.height, c.name!).to.be.greaterThan(50);
      expect(c.marks, c.name!).to.be.greaterThan(0);
    }
    // The configuration of each arm is there, collapsed, and opens.
    expect(await page.locator('details[data-arm="evolution"] pre').isVisible()).to.equal(false);
    await page.click('details[data-arm="evolution"] summary');
    expect(await page.locator('details[data-arm="evolution"] pre').textContent()).to.include('@coex/plugin-controller-evolution');
    await page.close();
  });
});
