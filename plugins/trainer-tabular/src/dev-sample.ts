import * as path from 'node:path';

/**
 * The NAS-Bench-201 sample shipped beside a development checkout of the Coex repository
 * (<repo>/../shared/data/nasbench201-sample/nb201_sample.csv, from this file's folder: src/ or
 * dist/ of plugins/<name>). It does not exist in an installed package: users pass `csv`.
 */
export const DEV_SAMPLE_CSV = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'data', 'nasbench201-sample', 'nb201_sample.csv');
