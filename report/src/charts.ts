// The report's charts as vega-lite specs, compiled and rendered to SVG in Node by vega (no canvas,
// no browser). vega 6 and vega-lite 6 are ESM with top-level await, so they are loaded with
// import() from this CommonJS package, once, on first use.
import type { TopLevelSpec } from 'vega-lite';
import type { ReportNumbers } from './analysis';
import { STAGES } from './analysis';

export interface Chart {
  /** File name under <dir>/report/ (without .svg), also the figure's id in the HTML. */
  name: string;
  title: string;
  spec: TopLevelSpec;
}

type Libraries = { vega: typeof import('vega'); vegaLite: typeof import('vega-lite') };
let libraries: Promise<Libraries> | undefined;
const load = () => (libraries ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => ({ vega, vegaLite })));

/** Renders a vega-lite spec to an SVG string whose element ids are prefixed (several SVGs share one page). */
export async function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  const { vega, vegaLite } = await load();
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    const svg = withTitles(await view.toSVG());
    return svg
      .replace(/\bid="([^"]+)"/g, `id="${idPrefix}-$1"`)
      .replace(/url\(#([^)]+)\)/g, `url(#${idPrefix}-$1)`);
  } finally {
    view.finalize();
  }
}

/**
 * Static tooltips: vega writes each mark's description (the `description` channel, or vega-lite's
 * own "field: value; ..." text) as aria-label; an SVG <title> child makes the browser show it on
 * hover, with no script in the page.
 */
function withTitles(svg: string): string {
  return svg.replace(/<path aria-label="([^"]*)" role="graphics-symbol"([^>]*?)\/>/g, '<path aria-label="$1" role="graphics-symbol"$2><title>$1</title></path>');
}

/** A point's tooltip: which trial, its network and design, and its metrics. */
function pointTip(p: { arm: string; run: string; trial: number; accuracy: number; network: string; design: string }, extra: string, single: boolean): string {
  return [`trial ${p.trial}${single ? '' : ` (${p.run})`}`, `network: ${p.network}`, `design: ${p.design}`, `accuracy: ${(p.accuracy * 100).toFixed(2)}%`, extra].filter(Boolean).join('\n');
}

const LIMITS: Record<string, string> = { throughput: 'minThroughput', energyEfficiency: 'minEnergyEfficiency' };

/** Dashed rules at the spec's limit on `metric` (one per distinct value over the arms), with a label. */
function specRules(numbers: ReportNumbers, metric: string) {
  const limit = LIMITS[metric];
  const values = [...new Set(Object.values(numbers.spec ?? {}).map((s) => (s as Record<string, unknown>)[limit]).filter((v): v is number => typeof v === 'number'))];
  if (!limit || values.length === 0) return [];
  const data = { values: values.map((v) => ({ v, text: `${limit} ${v}` })) };
  return [
    { data, mark: { type: 'rule' as const, color: '#c0392b', strokeDash: [6, 4] }, encoding: { x: { field: 'v', type: 'quantitative' as const } } },
    { data, mark: { type: 'text' as const, color: '#c0392b', align: 'left' as const, baseline: 'top' as const, dx: 4, y: 4, fontSize: 10 }, encoding: { x: { field: 'v', type: 'quantitative' as const }, text: { field: 'text' } } },
  ];
}

const WIDTH = 420;
const HEIGHT = 260;

/** The arms' colours, in arm order (vega's tableau10), shared with the dashboard so an arm keeps its colour. */
export const ARM_PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'] as const;

export function armColors(labels: readonly string[]): string[] {
  return labels.map((_, i) => ARM_PALETTE[i % ARM_PALETTE.length]);
}

function armColor(labels: string[]) {
  // Opaque legend symbols (marks may be faint) and whole labels (arm labels are the user's names).
  return { field: 'arm', type: 'nominal' as const, title: 'arm', scale: { domain: labels, range: armColors(labels) }, sort: labels, legend: { symbolOpacity: 1, labelLimit: 0 } };
}

/** A wide spread of positive values reads better on a log axis. */
function axisScale(values: number[]) {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo > 0 && hi / lo > 20 ? { type: 'log' as const } : { zero: false };
}

export function buildCharts(numbers: ReportNumbers): Chart[] {
  const labels = numbers.arms.map((a) => a.label);
  const single = numbers.kind === 'run' && labels.length === 1;
  const pooled = numbers.seeds.length > 1;
  const charts: Chart[] = [];
  for (const plane of numbers.planes) {
    const tip = (p: (typeof plane.trials)[number]) => pointTip(p, `${plane.title}: ${Number(p.value.toPrecision(4))}`, single);
    const trials = plane.trials.map((p) => ({ ...p, tip: tip(p) }));
    const front = labels.flatMap((label, i) => (plane.fronts[label] ?? []).map((p, order) => ({ ...p, order, armIndex: i, tip: tip(p) })));
    charts.push({
      name: `pareto-${plane.metric}`,
      title: `Pareto front${single ? '' : 's'}: accuracy vs ${plane.title}${pooled ? ', seeds pooled' : ''}${specRules(numbers, plane.metric).length ? '; dashed: the spec' : ''} (hover a point for its trial)`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: WIDTH,
        height: HEIGHT,
        layer: [
          {
            data: { values: trials },
            mark: { type: 'point', filled: true, opacity: 0.25, size: 25 },
            encoding: {
              x: { field: 'value', type: 'quantitative', title: plane.title, scale: axisScale(plane.trials.map((p) => p.value)) },
              y: { field: 'accuracy', type: 'quantitative', title: 'validation accuracy', axis: { format: '.0%' }, scale: { zero: false } },
              // Same field and scale as the front layer: one shared legend.
              color: armColor(labels),
              description: { field: 'tip' },
            },
          },
          {
            data: { values: front },
            mark: { type: 'line', interpolate: 'step-before', point: { filled: true, size: 60 } },
            encoding: {
              x: { field: 'value', type: 'quantitative' },
              y: { field: 'accuracy', type: 'quantitative' },
              color: armColor(labels),
              detail: { field: 'arm', type: 'nominal' },
              order: { field: 'order', type: 'quantitative' },
              description: { field: 'tip' },
            },
          },
          ...specRules(numbers, plane.metric),
        ],
      },
    });
  }
  const curve = labels.flatMap((label) => (numbers.hypervolume.curves[label] ?? []).map((p) => ({ arm: label, ...p })));
  if (curve.length) {
    charts.push({
      name: 'hypervolume',
      title: `Hypervolume of the running front vs trained children${pooled ? ' (mean and 95% band over seeds)' : ''}`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: WIDTH,
        height: HEIGHT,
        data: { values: curve },
        encoding: { x: { field: 'k', type: 'quantitative', title: 'trained children', axis: { tickMinStep: 1 } }, color: armColor(labels) },
        layer: [
          { mark: { type: 'area', opacity: 0.2 }, encoding: { y: { field: 'lo', type: 'quantitative', title: 'hypervolume (scaled objectives)' }, y2: { field: 'hi' } } },
          { mark: { type: 'line', point: { size: 20 } }, encoding: { y: { field: 'mean', type: 'quantitative' } } },
        ],
      },
    });
  }
  const accuracy = (numbers.accuracyByTrial ?? []).map((p) => ({ ...p, tip: pointTip(p, '', single) }));
  if (accuracy.length) {
    charts.push({
      name: 'accuracy-trial',
      title: `Validation accuracy against trial number; line: the best so far${single ? '' : ' (per run)'}`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: WIDTH,
        height: HEIGHT,
        data: { values: accuracy },
        encoding: {
          x: { field: 'trial', type: 'quantitative', title: 'trial', axis: { tickMinStep: 1 } },
          color: armColor(labels),
        },
        layer: [
          { mark: { type: 'point', filled: true, opacity: 0.6, size: 30 }, encoding: { y: { field: 'accuracy', type: 'quantitative', title: 'validation accuracy', axis: { format: '.0%' }, scale: { zero: false } }, description: { field: 'tip' } } },
          { mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 }, encoding: { y: { field: 'best', type: 'quantitative' }, detail: { field: 'run', type: 'nominal' } } },
        ],
      },
    });
  }
  const statuses = ['sampled', 'pruned', 'trained', 'failed'] as const;
  charts.push({
    name: 'counts',
    title: `Candidates sampled, pruned, trained and failed${pooled ? ' (all seeds)' : ''}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: WIDTH,
      height: HEIGHT,
      data: { values: numbers.arms.flatMap((a) => statuses.map((status) => ({ arm: a.label, status, count: a.counts[status] }))) },
      mark: 'bar',
      encoding: {
        x: { field: 'status', type: 'nominal', sort: [...statuses], title: null, axis: { labelAngle: 0 } },
        xOffset: { field: 'arm', type: 'nominal', sort: labels },
        y: { field: 'count', type: 'quantitative', title: 'candidates' },
        color: armColor(labels),
      },
    },
  });
  charts.push({
    name: 'stage-time',
    title: `Time spent per stage (seconds, summed over trials${pooled ? ' and seeds' : ''})`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: WIDTH,
      height: Math.max(60, 36 * labels.length),
      data: { values: numbers.arms.flatMap((a) => STAGES.map((stage) => ({ arm: a.label, stage, seconds: a.stageSeconds[stage] }))) },
      mark: 'bar',
      encoding: {
        y: { field: 'arm', type: 'nominal', sort: labels, title: 'arm' },
        x: { field: 'seconds', type: 'quantitative', stack: 'zero', title: 'seconds' },
        color: { field: 'stage', type: 'nominal', sort: [...STAGES], scale: { domain: [...STAGES], scheme: 'set2' }, title: 'stage' },
        order: { field: 'stage', sort: 'ascending' },
      },
    },
  });
  return charts;
}
