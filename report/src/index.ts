// @coex/report: the HTML report of a Coex run or ablation study (`coex report <dir>` calls
// writeReport). Writes <dir>/report.html (self-contained: inline CSS and SVG), <dir>/report.json
// (every number the page shows) and the charts as <dir>/report/*.svg.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { maskSecrets } from '@coex/core';
import { writeFileAtomic } from '@coex/core/host';
import { analyse, type AnalysisOptions, type ReportNumbers } from './analysis';
import { buildCharts, renderSvg } from './charts';
import { loadReportInput } from './data';
import { renderHtml, type RenderedChart } from './html';

export const REPORT_HTML = 'report.html';
export const REPORT_JSON = 'report.json';
export const CHART_DIR = 'report';

export type ReportOptions = AnalysisOptions;

export interface WrittenReport {
  html: string;
  json: string;
  charts: string[];
}

/** Reads a run or study folder and writes its report beside it. */
export async function writeReport(dir: string, options: ReportOptions = {}): Promise<WrittenReport> {
  const absolute = path.resolve(dir);
  const input = await loadReportInput(absolute);
  const numbers = analyse(input, options);
  const rendered: RenderedChart[] = [];
  for (const chart of buildCharts(numbers)) rendered.push({ name: chart.name, title: chart.title, svg: await renderSvg(chart.spec, chart.name) });
  const chartDir = path.join(absolute, CHART_DIR);
  fs.mkdirSync(chartDir, { recursive: true });
  const charts = rendered.map((c) => {
    const file = path.join(chartDir, `${c.name}.svg`);
    writeFileAtomic(file, maskSecrets(c.svg));
    return file;
  });
  const json = path.join(absolute, REPORT_JSON);
  writeFileAtomic(json, maskSecrets(JSON.stringify(numbers, null, 2) + '\n'));
  const html = path.join(absolute, REPORT_HTML);
  writeFileAtomic(html, maskSecrets(renderHtml(numbers, input, rendered)));
  return { html, json, charts };
}

export { analyse, buildCharts, loadReportInput, renderHtml, renderSvg, type ReportNumbers };
export { ARM_PALETTE, armColors } from './charts';
export { describeDesign, describeNetwork } from '@coex/core/host';
export type { ArmComparison, ArmNumbers, BestDesign, Comparison, CurvePoint, FrontPlane, HypervolumeNumbers, PlanePoint, RunNumbers } from './analysis';
export type { ArmData, ReportInput, RunData } from './data';
export * from './stats';
export { costToReach, hypervolumeAt, hypervolumeByCost, meanCostCurve, type CostPoint, type MeanCostPoint } from './cost-curve';
export { hypervolumeSteps, objectiveScale } from './analysis';
