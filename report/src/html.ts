// The report page: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched).
// Every number cell carries its exact value in data-value; the text shows it rounded.
import { describeDesign, describeNetwork } from '@coex/core/host';
import type { AccuracyLevels, ArmComparison, Comparison, ReportNumbers } from './analysis';
import { STAGES } from './analysis';
import type { ReportInput } from './data';

export interface RenderedChart {
  name: string;
  title: string;
  svg: string;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function formatValue(x: number | null | undefined, kind: 'number' | 'percent' | 'p' = 'number'): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '–';
  if (kind === 'percent') return `${(x * 100).toFixed(2)}%`;
  if (kind === 'p') return x < 0.001 ? x.toExponential(1) : x.toFixed(3);
  return Math.abs(x) >= 1000 ? x.toFixed(0) : Number(x.toPrecision(4)).toString();
}

const signedPercent = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '–');

function num(x: number | null | undefined, kind: 'number' | 'percent' | 'p' = 'number', key?: string): string {
  const value = typeof x === 'number' && Number.isFinite(x) ? ` data-value="${x}"` : '';
  return `<td class="num"${key ? ` data-key="${key}"` : ''}${value}>${formatValue(x, kind)}</td>`;
}

const text = (s: string, cls?: string) => `<td${cls ? ` class="${cls}"` : ''}>${escapeHtml(s)}</td>`;
const head = (cells: string[]) => `<thead><tr>${cells.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>`;
const interval = (ci: [number, number] | null, format: (x: number) => string) => (ci ? `[${format(ci[0])}, ${format(ci[1])}]` : '–');

/** The counts by status, a column each (`stopped`: stopped early by a scheduler). */
const COUNT_KEYS = ['sampled', 'pruned', 'trained', 'stopped', 'failed'] as const;

function countsTable(numbers: ReportNumbers): string {
  const rows = numbers.arms.map((a) =>
    `<tr data-arm="${escapeHtml(a.label)}">${text(a.label)}${num(a.runs.length, 'number', 'runs')}` +
    COUNT_KEYS.map((k) => num(a.counts[k] ?? 0, 'number', k)).join('') +
    STAGES.map((s) => num(a.stageSeconds[s], 'number', `seconds.${s}`)).join('') + '</tr>');
  return `<table id="counts">${head(['arm', 'runs', ...COUNT_KEYS, ...STAGES.map((s) => `${s} (s)`)])}<tbody>${rows.join('')}</tbody></table>`;
}

function runsTable(numbers: ReportNumbers): string {
  const rows = numbers.arms.flatMap((a) => a.runs.map((r) =>
    `<tr data-run="${escapeHtml(r.id)}">${text(r.id)}${num(r.seed, 'number', 'seed')}${text(r.status)}` +
    COUNT_KEYS.map((k) => num(r.counts[k] ?? 0, 'number', k)).join('') +
    num(r.bestAccuracy, 'percent', 'bestAccuracy') + num(r.hypervolume, 'number', 'hypervolume') + '</tr>'));
  return `<table id="runs">${head(['run', 'seed', 'status', ...COUNT_KEYS, 'best accuracy', 'final hypervolume'])}<tbody>${rows.join('')}</tbody></table>`;
}

function bestDesignsTable(numbers: ReportNumbers): string {
  const { best } = numbers.equalAccuracy;
  if (best.length === 0) return '<p>No trial with hardware metrics reaches the threshold.</p>';
  const rows = best.map((b) =>
    `<tr data-arm="${escapeHtml(b.arm)}" data-by="${b.by}">${text(b.by)}${text(b.arm)}${text(b.run)}${num(b.trial, 'number', 'trial')}` +
    num(b.metrics.accuracy, 'percent', 'accuracy') + num(b.metrics.throughput, 'number', 'throughput') + num(b.metrics.energyEfficiency, 'number', 'energyEfficiency') +
    text(describeNetwork(b.architecture), 'mono') + `<td class="mono" data-key="design" title="${escapeHtml(JSON.stringify(b.design ?? null))}">${escapeHtml(describeDesign(b.design))}</td></tr>`);
  return `<table id="best-designs">${head(['best by', 'arm', 'run', 'trial', 'accuracy', 'throughput (images/s)', 'energy efficiency (GOPS/W)', 'network (kernel x filters, /stride)', 'design (part[layers] per stage)'])}<tbody>${rows.join('')}</tbody></table>`;
}

function comparisonTable(c: Comparison, baseline: string): string {
  const kind = c.metric === 'accuracy' ? 'percent' : 'number';
  const f = (x: number) => formatValue(x, kind);
  const row = (a: ArmComparison) =>
    `<tr data-arm="${escapeHtml(a.label)}">${text(a.label + (a.label === baseline ? ' (baseline)' : ''))}` +
    `<td class="mono">${a.values.map((v) => `${v.seed}: ${escapeHtml(formatValue(v.value, kind))}`).join(', ')}</td>` +
    num(a.n, 'number', 'n') + num(a.mean, kind, 'mean') + num(a.sd, kind, 'sd') + `<td data-key="ci">${interval(a.ci, f)}</td>` +
    `<td class="num" data-key="improvement"${a.improvement ? ` data-value="${a.improvement.value}"` : ''}>${signedPercent(a.improvement?.value)}</td>` +
    `<td data-key="improvement-ci">${interval(a.improvement?.ci ?? null, signedPercent)}</td>` +
    num(a.test?.p ?? null, 'p', 'p').replace('<td', a.test ? `<td data-floor="${a.test.floor}" title="smallest p possible with these seeds: ${formatValue(a.test.floor, 'p')}"` : '<td') +
    num(a.effect?.hedgesG ?? null, 'number', 'hedgesG') + num(a.effect?.cliffsDelta ?? null, 'number', 'cliffsDelta') + '</tr>';
  return `<table id="compare-${c.metric}" class="compare"><caption>${escapeHtml(c.title)}</caption>` +
    head(['arm', 'per seed', 'n', 'mean', 'sd', '95% CI of the mean', `vs ${baseline}`, '95% CI', 'p (permutation)', "Hedges' g", "Cliff's δ"]) +
    `<tbody>${c.arms.map(row).join('')}</tbody></table>`;
}

function levelsTable(t: AccuracyLevels): string {
  const cell = (c: { mean: number; runs: number } | null) =>
    c ? `<td class="num" data-runs="${c.runs}" data-value="${c.mean}">${escapeHtml(formatValue(c.mean))} (${c.runs})</td>` : '<td class="num">-</td>';
  return `<table id="levels-${t.metric}" class="levels"><caption>best ${escapeHtml(t.title)} at accuracy ≥ each level: mean over the runs that reach it (how many)</caption>` +
    head(['arm', ...t.levels.map((l) => `≥ ${formatValue(l, 'percent')}`)]) +
    `<tbody>${t.arms.map((a) => `<tr data-arm="${escapeHtml(a.label)}">${text(a.label)}${a.cells.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

function specMissesTable(numbers: ReportNumbers): string {
  const m = numbers.specMisses;
  if (!m) return '';
  const spec = Object.entries(m.spec).map(([k, v]) => `${k} ${formatValue(v as number)}`).join(', ');
  const factor = (x: number | null) => (x === null ? '–' : `${formatValue(x)}x`);
  const rows = m.arms.map((a) => `<tr data-arm="${escapeHtml(a.label)}">${text(a.label)}${num(a.trained, 'number', 'trained')}${num(a.missing, 'number', 'missing')}` +
    num(a.share, 'percent', 'share') + `<td class="num" data-key="medianFactor">${factor(a.medianFactor)}</td><td class="num" data-key="worstFactor">${factor(a.worstFactor)}</td></tr>`);
  return `<h3>Trained networks that miss the spec</h3>\n<p>Spec: ${escapeHtml(spec)} (${escapeHtml(m.source)}). ${escapeHtml(numbers.method.specMisses)}</p>\n` +
    `<table id="spec-misses">${head(['arm', 'trained', 'missing the spec', 'share', 'median factor', 'worst factor'])}<tbody>${rows.join('')}</tbody></table>`;
}

function configurations(input: ReportInput): string {
  return input.arms.map((arm) => `<details data-arm="${escapeHtml(arm.label)}"><summary>${escapeHtml(arm.label)}` +
    `${arm.preset ? ` — preset ${escapeHtml(arm.preset)}` : ''}${arm.sets.length ? ` — overrides ${escapeHtml(arm.sets.join(' '))}` : ''}</summary>` +
    `<pre>${escapeHtml(JSON.stringify({ ...arm.config, seed: input.kind === 'study' ? `per run: ${input.seeds.join(', ')}` : arm.config.seed }, null, 2))}</pre></details>`).join('\n');
}

const figure = (chart: RenderedChart) =>
  `<figure id="chart-${chart.name}" data-chart="${chart.name}">${chart.svg}<figcaption>${escapeHtml(chart.title)} (<a href="report/${chart.name}.svg">SVG</a>)</figcaption></figure>`;

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:.9rem}th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}td.mono,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8rem}td.mono{max-width:22rem;overflow-wrap:anywhere}
caption{text-align:left;font-weight:600;padding:.3rem 0}figure{display:inline-block;margin:.5rem 1rem .5rem 0;vertical-align:top}
figcaption{font-size:.85rem;color:#444;max-width:520px}.notes{background:#fff6e0;border:1px solid #f0d890;padding:.5rem 1rem}
dl dt{font-weight:600;margin-top:.4rem}details{margin:.4rem 0}summary{cursor:pointer}pre{background:#f7f7f7;padding:.6rem;overflow:auto}
`;

export function renderHtml(numbers: ReportNumbers, input: ReportInput, charts: RenderedChart[]): string {
  const chart = (name: string) => charts.filter((c) => c.name === name || c.name.startsWith(`${name}-`)).map(figure).join('\n');
  const labels = numbers.arms.map((a) => a.label);
  const { threshold, source, comparisons } = numbers.equalAccuracy;
  const hv = numbers.hypervolume;
  const title = `Coex ${numbers.kind} report`;
  // A run folder is one arm: no baseline, no pooling of seeds, no comparison of the arm with itself.
  const single = numbers.kind === 'run' && labels.length === 1;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}: ${escapeHtml(numbers.dir)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p><b>${escapeHtml(numbers.dir)}</b>${numbers.createdAt ? `, created ${escapeHtml(numbers.createdAt)}` : ''}</p>
<ul>
${single ? `<li>preset: ${escapeHtml(labels[0])}</li>
<li>seed: ${numbers.seeds.join(', ')}</li>` : `<li>arms: ${labels.map(escapeHtml).join(', ')} (baseline: ${escapeHtml(numbers.baseline)})</li>
<li>seeds: ${numbers.seeds.join(', ')}</li>`}
<li id="budget" data-equal="${numbers.budget.equal}">budget: ${escapeHtml(numbers.budget.text)}</li>
</ul>
${numbers.notes.length ? `<div class="notes"><ul>${numbers.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></div>` : ''}

<h2>Pareto front${single ? '' : 's'}</h2>
<p>${escapeHtml(numbers.method.fronts)} Faint points: every trained trial; line: ${single ? 'the front' : "the arm's front"}; dashed red: the spec's limit. Hover a point for its trial, network and design.</p>
${chart('pareto') || '<p>No trial has hardware metrics.</p>'}
${chart('accuracy-trial')}

<h2>Hypervolume</h2>
<p>${escapeHtml(numbers.method.hypervolume)}${numbers.method.band ? ` Band: ${escapeHtml(numbers.method.band)}` : ''}</p>
<p>Reference point (worst over all arms and seeds): ${hv.objectives.map((o) => `${escapeHtml(o.metric)} = ${formatValue(hv.reference[o.metric])}`).join(', ')};
best values: ${hv.objectives.map((o) => `${escapeHtml(o.metric)} = ${formatValue(hv.ideal[o.metric])}`).join(', ')}.</p>
${chart('hypervolume')}

<h2>Candidates and time per stage</h2>
${chart('counts')}
${chart('stage-time')}
${countsTable(numbers)}
${runsTable(numbers)}

<h2>${single ? 'Best designs at an accuracy threshold' : 'Comparison at equal accuracy'}</h2>
<p id="threshold" data-value="${threshold ?? ''}">Accuracy threshold: <b>${formatValue(threshold, 'percent')}</b> (${escapeHtml(source)}). ${escapeHtml(numbers.method.threshold)}</p>
<h3>${single ? 'Best designs' : `Best design per arm${numbers.seeds.length > 1 ? ' (seeds pooled)' : ''}`}</h3>
${bestDesignsTable(numbers)}
${single ? '' : `<h3>Per seed, with intervals and tests against ${escapeHtml(numbers.baseline)}</h3>
<p>${escapeHtml(numbers.method.ci)} ${escapeHtml(numbers.method.test)} ${escapeHtml(numbers.method.effect)}</p>
${comparisons.map((c) => comparisonTable(c, numbers.baseline)).join('\n')}`}
${specMissesTable(numbers)}
${numbers.equalAccuracy.levels.length ? `<h3>At several accuracy levels</h3>\n<p>${escapeHtml(numbers.method.levels)}</p>\n${numbers.equalAccuracy.levels.map(levelsTable).join('\n')}` : ''}

<h2>Configurations</h2>
${configurations(input)}

<h2>Method</h2>
<dl>${Object.entries(numbers.method).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>
</body></html>
`;
}
