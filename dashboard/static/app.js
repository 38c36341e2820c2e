// The dashboard page: fetches /api/summary and /api/trials, draws the charts with vega-embed (the
// vega and vega-lite builds are served from node_modules) and the tables, and refetches whenever
// /events says the store changed. No build step, no framework.
'use strict';

const state = { summary: null, trials: [], sort: { key: 'seq', dir: -1 }, views: new Map() };

const STATUS_SHAPES = { done: 'circle', pruned: 'cross', failed: 'triangle-up', training: 'diamond', pending: 'diamond', stopped: 'square' };
const STAGES = ['sample', 'fastEvaluate', 'prune', 'train', 'reward'];
const WIDTH = 360;
const HEIGHT = 230;

const COLUMNS = [
  { key: 'arm', label: 'arm', study: true },
  { key: 'run', label: 'run' },
  { key: 'seq', label: 'trial', num: true },
  { key: 'status', label: 'status' },
  { key: 'accuracy', label: 'accuracy', num: true, format: (v) => pct(v) },
  { key: 'throughput', label: 'throughput (img/s)', num: true, format: (v) => fmt(v) },
  { key: 'energyEfficiency', label: 'energy eff. (GOPS/W)', num: true, format: (v) => fmt(v) },
  { key: 'latency', label: 'latency (ms)', num: true, format: (v) => (v == null ? '–' : fmt(v * 1000)) },
  { key: 'reward', label: 'reward', num: true, format: (v) => fmt(v) },
  { key: 'trainSeconds', label: 'train (s)', num: true, format: (v) => (v ? fmt(v) : '–') },
  { key: 'network', label: 'network', mono: true, title: 'kernel x filters per layer, /stride when not 1' },
  { key: 'design', label: 'design', mono: true, title: 'hardware part [first-last layer] per pipeline stage; hover a cell for the whole record' },
  { key: 'note', label: 'note' },
];

function fmt(x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 1000) return x.toFixed(0);
  return String(Number(x.toPrecision(4)));
}
function pct(x) {
  return typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : '–';
}
function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function armScale() {
  const arms = state.summary.arms;
  return { domain: arms.map((a) => a.label), range: arms.map((a) => a.color) };
}
function armColor(extra = {}) {
  const study = state.summary.kind === 'study';
  return { field: 'arm', type: 'nominal', title: 'arm', scale: armScale(), legend: study ? { symbolOpacity: 1, labelLimit: 0, orient: 'bottom' } : null, ...extra };
}
/** A wide spread of positive values reads better on a log axis (as in the report). */
function axisScale(values) {
  const xs = values.filter((v) => typeof v === 'number' && v > 0);
  if (!xs.length) return { zero: false };
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return hi / lo > 20 ? { type: 'log' } : { zero: false };
}
const TOOLTIP = [
  { field: 'label', title: 'trial' },
  { field: 'status', title: 'status' },
  { field: 'network', title: 'network' },
  { field: 'design', title: 'design' },
  { field: 'accuracy', title: 'accuracy', format: '.2%' },
  { field: 'throughput', title: 'throughput (images/s)', format: ',.4~r' },
  { field: 'energyEfficiency', title: 'energy eff. (GOPS/W)', format: ',.4~r' },
  { field: 'note', title: 'note' },
];
const METRICS = {
  accuracy: { title: 'validation accuracy', axis: { format: '.0%' } },
  throughput: { title: 'throughput (images/s)', limit: 'minThroughput' },
  energyEfficiency: { title: 'energy efficiency (GOPS/W)', limit: 'minEnergyEfficiency' },
};

/** A dashed line at a spec limit, with its label. */
function specLayers(metric, channel) {
  const limit = state.summary.spec?.[METRICS[metric].limit];
  if (typeof limit !== 'number') return [];
  const data = { values: [{ v: limit, text: `${METRICS[metric].limit} ${fmt(limit)}` }] };
  const pos = { field: 'v', type: 'quantitative' };
  return [
    { data, mark: { type: 'rule', color: '#c0392b', strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { [channel]: pos } },
    { data, mark: channel === 'x'
      ? { type: 'text', color: '#c0392b', align: 'left', dx: 4, dy: -4, baseline: 'bottom', y: 0, fontSize: 11 }
      : { type: 'text', color: '#c0392b', align: 'right', dy: -4, x: 'width', fontSize: 11 }, encoding: { [channel]: pos, text: { field: 'text' } } },
  ];
}

/** Shapes by status; the legend lists the statuses present (unknown ones get a square). */
function statusShape(values) {
  const present = [...new Set(values.map((p) => p.status))].sort((a, b) => order(a) - order(b));
  return { field: 'status', type: 'nominal', title: 'status', scale: { domain: present, range: present.map((s) => STATUS_SHAPES[s] ?? 'square') }, legend: { orient: 'bottom' } };
}
const order = (status) => { const i = Object.keys(STATUS_SHAPES).indexOf(status); return i < 0 ? 99 : i; };

function pointLayer(values, x, y) {
  return {
    data: { values },
    mark: { type: 'point', filled: true, size: 55 },
    encoding: {
      x: { field: x, type: 'quantitative', title: METRICS[x].title, scale: axisScale(values.map((p) => p[x])), axis: METRICS[x].axis },
      y: { field: y, type: 'quantitative', title: METRICS[y].title, scale: y === 'accuracy' ? { zero: false } : axisScale(values.map((p) => p[y])), axis: METRICS[y].axis },
      color: armColor(),
      shape: statusShape(values),
      opacity: { condition: { test: "datum.status === 'done'", value: 0.85 }, value: 0.6 },
      tooltip: TOOLTIP,
    },
  };
}

function paretoSpec(metric) {
  const rows = state.trials.filter((t) => t.accuracy != null && t[metric] != null);
  const onFront = state.summary.fronts[metric] ?? {};
  const front = [];
  for (const [arm, points] of Object.entries(onFront)) {
    const mine = points.map((p) => rows.find((t) => t.run === p.run && t.seq === p.trial)).filter(Boolean)
      .sort((a, b) => a[metric] - b[metric] || b.accuracy - a.accuracy);
    mine.forEach((t, order) => front.push({ ...t, arm, order }));
  }
  return {
    width: WIDTH, height: HEIGHT,
    title: { text: `accuracy vs ${METRICS[metric].title}`, fontSize: 13 },
    layer: [
      pointLayer(rows, metric, 'accuracy'),
      { data: { values: front }, mark: { type: 'line', interpolate: 'step-before', strokeWidth: 2 },
        encoding: { x: { field: metric, type: 'quantitative' }, y: { field: 'accuracy', type: 'quantitative' }, color: armColor(), detail: { field: 'arm' }, order: { field: 'order', type: 'quantitative' } } },
      ...specLayers(metric, 'x'),
    ],
    empty: rows.length === 0,
  };
}

/** The hardware plane: every trial the hardware model costed, pruned and infeasible ones included. */
function hardwareSpec() {
  const rows = state.trials.filter((t) => t.throughput != null && t.energyEfficiency != null);
  return {
    width: WIDTH, height: HEIGHT,
    title: { text: 'throughput vs energy efficiency (pruned included)', fontSize: 13 },
    layer: [pointLayer(rows, 'throughput', 'energyEfficiency'), ...specLayers('throughput', 'x'), ...specLayers('energyEfficiency', 'y')],
    empty: rows.length === 0,
  };
}

function hypervolumeSpec() {
  const values = Object.entries(state.summary.hypervolume).flatMap(([arm, curve]) => curve.map((p) => ({ arm, ...p })));
  return {
    width: WIDTH, height: HEIGHT, title: { text: 'hypervolume vs trained children', fontSize: 13 },
    data: { values },
    encoding: { x: { field: 'k', type: 'quantitative', title: 'trained children', axis: { tickMinStep: 1 } }, color: armColor() },
    layer: [
      { mark: { type: 'area', opacity: 0.18 }, encoding: { y: { field: 'lo', type: 'quantitative', title: 'hypervolume' }, y2: { field: 'hi' } } },
      { mark: { type: 'line', point: { size: 25 } }, encoding: { y: { field: 'mean', type: 'quantitative' },
        tooltip: [{ field: 'arm' }, { field: 'k', title: 'trained children' }, { field: 'mean', title: 'hypervolume', format: '.3f' }] } },
    ],
    empty: values.length === 0,
  };
}

function hypervolumeSecondsSpec() {
  const values = state.summary.hypervolumeBySeconds;
  return {
    width: WIDTH, height: HEIGHT, title: { text: 'hypervolume vs training seconds', fontSize: 13 },
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', point: { size: 25 } },
    encoding: {
      x: { field: 'seconds', type: 'quantitative', title: 'training seconds (summed over trained children)' },
      y: { field: 'hypervolume', type: 'quantitative', title: 'hypervolume' },
      color: armColor(), detail: { field: 'run' },
      tooltip: [{ field: 'run' }, { field: 'seconds', format: '.1f' }, { field: 'hypervolume', format: '.3f' }],
    },
    empty: values.length === 0,
  };
}

function accuracyTrialSpec() {
  const rows = state.trials.filter((t) => t.accuracy != null).sort((a, b) => a.seq - b.seq);
  const best = new Map();
  const running = rows.map((t) => {
    const b = Math.max(best.get(t.run) ?? -Infinity, t.accuracy);
    best.set(t.run, b);
    return { run: t.run, arm: t.arm, seq: t.seq, best: b };
  });
  return {
    width: WIDTH, height: HEIGHT, title: { text: 'accuracy vs trial', fontSize: 13 },
    layer: [
      { data: { values: rows }, mark: { type: 'point', filled: true, size: 45, opacity: 0.75 },
        encoding: { x: { field: 'seq', type: 'quantitative', title: 'trial', axis: { tickMinStep: 1 } }, y: { field: 'accuracy', type: 'quantitative', title: 'validation accuracy', axis: { format: '.0%' }, scale: { zero: false } }, color: armColor(), tooltip: TOOLTIP } },
      { data: { values: running }, mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
        encoding: { x: { field: 'seq', type: 'quantitative' }, y: { field: 'best', type: 'quantitative' }, color: armColor(), detail: { field: 'run' } } },
    ],
    empty: rows.length === 0,
  };
}

function curvesSpec() {
  const values = state.trials.filter((t) => Array.isArray(t.curve)).flatMap((t) => t.curve.map((p) => ({ arm: t.arm, run: t.run, label: t.label, network: t.network, id: `${t.run}/${t.seq}`, ...p })));
  return {
    width: WIDTH * 1.3, height: HEIGHT, title: { text: 'validation accuracy during training', fontSize: 13 },
    data: { values },
    mark: { type: 'line', point: { size: 18 }, opacity: 0.7 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'training step' },
      y: { field: 'accuracy', type: 'quantitative', title: 'validation accuracy', axis: { format: '.0%' }, scale: { zero: false } },
      color: armColor(), detail: { field: 'id' },
      tooltip: [{ field: 'label', title: 'trial' }, { field: 'network' }, { field: 'epoch' }, { field: 'step' }, { field: 'accuracy', format: '.2%' }, { field: 'loss', format: '.3f' }],
    },
    empty: values.length === 0,
  };
}

function stageSpec() {
  const labels = state.summary.arms.map((a) => a.label);
  const values = labels.flatMap((arm) => STAGES.map((stage) => ({ arm, stage, seconds: state.summary.stageSeconds[arm]?.[stage] ?? 0 })));
  return {
    width: WIDTH * 1.3, height: Math.max(40, 30 * labels.length), title: { text: 'seconds per stage', fontSize: 13 },
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'arm', type: 'nominal', sort: labels, title: null },
      x: { field: 'seconds', type: 'quantitative', stack: 'zero', title: 'seconds' },
      color: { field: 'stage', type: 'nominal', sort: STAGES, scale: { domain: STAGES, scheme: 'set2' }, title: 'stage', legend: { orient: 'bottom' } },
      order: { field: 'stage', sort: 'ascending' },
      tooltip: [{ field: 'arm' }, { field: 'stage' }, { field: 'seconds', format: '.2f' }],
    },
    empty: values.every((v) => v.seconds === 0),
  };
}

async function draw(name, make) {
  const figure = document.getElementById(`chart-${name}`);
  const { empty, ...spec } = make();
  state.views.get(name)?.finalize();
  state.views.delete(name);
  if (empty) {
    figure.replaceChildren(el('p', { class: 'empty' }, figure.dataset.emptyText ?? 'nothing to show yet'));
    figure.dataset.empty = 'true';
    return;
  }
  delete figure.dataset.empty;
  const result = await vegaEmbed(figure, { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: { view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 12 } }, ...spec },
    { actions: false, renderer: 'svg', tooltip: { theme: 'light' } });
  state.views.set(name, result.view);
}

function renderRuns() {
  const { summary } = state;
  const body = document.querySelector('#runs tbody');
  body.replaceChildren(...summary.runs.map((r) => {
    const color = summary.arms.find((a) => a.label === r.arm)?.color ?? '#888';
    const tr = el('tr', { 'data-run': r.id, 'data-status': r.status });
    const arm = el('td');
    arm.append(el('span', { class: 'swatch', style: `background:${color}` }), document.createTextNode(r.arm));
    const bar = el('td', { class: 'progress' });
    const outer = el('div', { class: 'bar', title: `${Math.round(r.progress * 100)}% of the budget (${r.budget.candidates} candidates${r.budget.trained ? `, ${r.budget.trained} trained` : ''})` });
    outer.append(el('div', { class: 'fill', style: `width:${(r.progress * 100).toFixed(1)}%;background:${color}` }));
    const trained = r.counts.trained + r.counts.failed;
    bar.append(outer, el('span', { class: 'pct' }, `${r.counts.sampled}/${r.budget.candidates} candidates${r.budget.trained ? ` · ${trained}/${r.budget.trained} trained` : ''}`));
    tr.append(arm, el('td', { class: 'mono' }, r.id), el('td', { class: 'num' }, String(r.seed)), el('td', { class: `status s-${r.status.replace(/\s/g, '-')}` }, r.status), bar,
      ...['sampled', 'pruned', 'trained', 'failed', 'training'].map((k) => el('td', { class: 'num' }, String(r.counts[k] ?? 0))),
      el('td', { class: 'num' }, pct(r.bestAccuracy)));
    return tr;
  }));
  document.getElementById('notes').replaceChildren(...summary.notes.map((n) => el('li', {}, n)));
  const spec = Object.entries(summary.spec ?? {}).map(([k, v]) => `${k} ${fmt(v)}`);
  document.getElementById('spec-text').textContent = spec.length ? `Dashed red lines: the spec (${spec.join(', ')}).` : 'No hardware spec limits.';
}

function filtered() {
  const get = (id) => document.getElementById(id).value.trim();
  const status = get('f-status');
  const mins = ['accuracy', 'throughput', 'energyEfficiency'].map((k) => [k, get(`f-${k}`)]).filter(([, v]) => v !== '').map(([k, v]) => [k, Number(v)]);
  const network = get('f-network').toLowerCase();
  const design = get('f-design').toLowerCase();
  return state.trials.filter((t) => (!status || t.status === status)
    && mins.every(([k, v]) => typeof t[k] === 'number' && t[k] >= v)
    && (!network || t.network.toLowerCase().includes(network))
    && (!design || t.design.toLowerCase().includes(design)));
}

function renderTrials() {
  const study = state.summary.kind === 'study';
  const columns = COLUMNS.filter((c) => !c.study || study);
  const head = document.querySelector('#trials thead tr');
  head.replaceChildren(...columns.map((c) => {
    const th = el('th', { 'data-key': c.key, class: c.num ? 'num sortable' : 'sortable', title: `${c.title ? `${c.title}; ` : ''}click to sort` }, c.label);
    if (state.sort.key === c.key) th.dataset.sort = state.sort.dir > 0 ? 'asc' : 'desc';
    th.addEventListener('click', () => {
      state.sort = { key: c.key, dir: state.sort.key === c.key ? -state.sort.dir : c.num ? -1 : 1 };
      renderTrials();
    });
    return th;
  }));
  const { key, dir } = state.sort;
  const rows = filtered().sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (x == null && y == null) return a.seq - b.seq;
    if (x == null) return 1;
    if (y == null) return -1;
    return (typeof x === 'number' ? x - y : String(x).localeCompare(String(y))) * dir || (a.seq - b.seq) * dir;
  });
  const body = document.querySelector('#trials tbody');
  body.replaceChildren(...rows.map((t) => {
    const tr = el('tr', { 'data-run': t.run, 'data-seq': String(t.seq), 'data-status': t.status });
    for (const c of columns) {
      const v = t[c.key];
      const text = c.format ? c.format(v) : v == null || v === '' ? '–' : String(v);
      const td = el('td', { class: [c.num ? 'num' : '', c.mono ? `mono col-${c.key}` : '', c.key === 'note' ? 'col-note' : '', c.key === 'status' ? `status s-${t.status}` : ''].join(' ').trim() }, text);
      if (c.key === 'design') td.title = JSON.stringify(t.candidate.design ?? null);
      if (c.key === 'note' && v) td.title = v;
      tr.append(td);
    }
    return tr;
  }));
  document.getElementById('trial-count').textContent = `${rows.length} of ${state.trials.length}`;
  const select = document.getElementById('f-status');
  const known = new Set([...select.options].map((o) => o.value));
  for (const s of new Set(state.trials.map((t) => t.status))) if (!known.has(s)) select.append(el('option', { value: s }, s));
}

async function refresh() {
  const [summary, trials] = await Promise.all([fetch('api/summary').then(check), fetch('api/trials').then(check)]);
  state.summary = summary;
  const study = summary.kind === 'study';
  state.trials = trials.map((t) => ({
    ...t,
    label: study ? `${t.run} #${t.seq}` : `#${t.seq}`,
    note: t.prunedReason ?? t.error ?? (t.feasible === false ? 'infeasible' : undefined),
  }));
  document.getElementById('kind').textContent = study ? `· study, ${summary.arms.length} arms` : '· run';
  document.getElementById('dir').textContent = summary.dir;
  document.body.dataset.revision = String(summary.revision);
  renderRuns();
  renderTrials();
  await Promise.all([
    draw('pareto-throughput', () => paretoSpec('throughput')),
    draw('pareto-energyEfficiency', () => paretoSpec('energyEfficiency')),
    draw('hardware', hardwareSpec),
    draw('hypervolume', hypervolumeSpec),
    draw('hypervolume-seconds', hypervolumeSecondsSpec),
    draw('accuracy-trial', accuracyTrialSpec),
    draw('curves', curvesSpec),
    draw('stage-time', stageSpec),
  ]);
  document.body.dataset.drawn = String(summary.revision);
}

function check(response) {
  if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status}`);
  return response.json();
}

function setLive(kind, text) {
  const live = document.getElementById('live');
  live.dataset.state = kind;
  document.getElementById('live-text').textContent = text;
}

// Updates arrive faster than a redraw at times: redraw at most once at a time, then once more.
let drawing = null;
let again = false;
function scheduleRefresh() {
  if (drawing) { again = true; return; }
  drawing = refresh().catch((error) => setLive('error', String(error.message ?? error))).finally(() => {
    drawing = null;
    if (again) { again = false; scheduleRefresh(); }
  });
}

for (const id of ['f-status', 'f-accuracy', 'f-throughput', 'f-energyEfficiency', 'f-network', 'f-design']) {
  document.getElementById(id).addEventListener('input', () => state.summary && renderTrials());
}

const events = new EventSource('events');
events.addEventListener('update', (e) => {
  const { updatedAt } = JSON.parse(e.data);
  setLive('live', `live · updated ${new Date(updatedAt).toLocaleTimeString()}`);
  scheduleRefresh();
});
events.addEventListener('error', () => setLive('lost', 'connection lost, retrying…'));
