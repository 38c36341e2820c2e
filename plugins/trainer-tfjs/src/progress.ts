// What a training run records as it goes: the loss curve, the training throughput and the early
// stopping state. Plain bookkeeping, no tensors.

/** Mean training loss per epoch, or per `every` steps when `every` > 0 (weighted by batch size). */
export class LossCurve {
  readonly points: number[] = [];
  private window = { sum: 0, images: 0 };
  private epoch = { sum: 0, images: 0 };
  private steps = 0;

  constructor(private readonly every: number) {}

  addStep(loss: number, images: number): void {
    this.steps++;
    this.epoch = { sum: this.epoch.sum + loss * images, images: this.epoch.images + images };
    this.window = { sum: this.window.sum + loss * images, images: this.window.images + images };
    if (this.every > 0 && this.steps % this.every === 0) this.flushWindow();
  }

  /** Closes an epoch; returns its mean loss. */
  endEpoch(): number {
    const mean = this.epoch.sum / this.epoch.images;
    this.epoch = { sum: 0, images: 0 };
    if (this.every === 0) this.points.push(mean);
    return mean;
  }

  /** Adds the last partial window (per-step curves). */
  finish(): number[] {
    if (this.every > 0 && this.window.images > 0) this.flushWindow();
    return this.points;
  }

  private flushWindow(): void {
    this.points.push(this.window.sum / this.window.images);
    this.window = { sum: 0, images: 0 };
  }
}

/** Training images per second inside training steps; the first step (warm-up) is left out. */
export class Throughput {
  private first = { seconds: 0, images: 0 };
  private rest = { seconds: 0, images: 0 };
  private steps = 0;

  addStep(seconds: number, images: number): void {
    if (this.steps++ === 0) this.first = { seconds, images };
    else this.rest = { seconds: this.rest.seconds + seconds, images: this.rest.images + images };
  }

  imagesPerSecond(): number {
    // With a single step there is nothing left after excluding it: report that step.
    const span = this.rest.images > 0 ? this.rest : this.first;
    return span.seconds > 0 ? span.images / span.seconds : 0;
  }
}

/** Patience on validation accuracy: stop after `patience` epochs without a new best. */
export class EarlyStopping {
  readonly accuracies: number[] = [];
  private best = { accuracy: -Infinity, epoch: 0 };

  constructor(private readonly patience: number) {}

  /** Records an epoch's validation accuracy; true when training should stop. */
  shouldStop(epoch: number, accuracy: number): boolean {
    this.accuracies.push(accuracy);
    if (accuracy > this.best.accuracy) this.best = { accuracy, epoch };
    return epoch - this.best.epoch >= this.patience;
  }
}
