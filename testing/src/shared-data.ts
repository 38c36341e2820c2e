// The data sets of the workplace's shared folder that first-party tests read (next to the
// repository: ../shared/data), each overridable by an environment variable for other layouts.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** ../shared/data beside the repository (this file is testing/src or testing/dist). */
const SHARED_DATA = process.env.COEX_SHARED_DATA ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'data');

/** 505 cells of NAS-Bench-201 with accuracies and HW-NAS-Bench latencies (no quoted fields). */
export const NB201_SAMPLE = process.env.COEX_NB201_SAMPLE ?? path.join(SHARED_DATA, 'nasbench201-sample', 'nb201_sample.csv');

/** All 15,625 cells, 12-epoch accuracies and HW-NAS-Bench latencies (absent on some machines). */
export const NB201_FULL = process.env.COEX_NB201_FULL ?? path.join(SHARED_DATA, 'nasbench201-full', 'nb201_12ep_hwnasbench.csv');

/** A CSV file without quoted fields, parsed naively: the expected values a lookup is checked against. */
export function plainCsvRows(file: string): Record<string, string>[] {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const columns = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v])));
}
