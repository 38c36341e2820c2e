// Uniform random search over every decision (architecture and hardware tokens alike), seeded
// from the run's seed. The baseline every smarter controller must beat.
import { Rng, definePlugin, z, type Controller, type DecisionSpace, type Proposal } from '@coex/core';

const PLUGIN_NAME = '@coex/plugin-controller-random';

export class RandomController implements Controller {
  private space: DecisionSpace = { arch: [], hw: [] };

  constructor(private rng: Rng, readonly batchSize: number) {}

  init(space: DecisionSpace): void {
    this.space = space;
  }

  ask(count: number): Proposal[] {
    return Array.from({ length: count }, () => ({
      arch: this.space.arch.map((d) => this.rng.int(d.choices.length)),
      hw: this.space.hw.map((d) => this.rng.int(d.choices.length)),
    }));
  }

  tell(): void {
    /* random search learns nothing */
  }

  getState(): { rng: number[] } {
    return { rng: this.rng.state() };
  }

  setState(state: unknown): void {
    this.rng = new Rng({ state: (state as { rng: number[] }).rng });
  }
}

const { version } = require('../package.json') as { version: string };

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'controller',
  description: 'Uniform random search over all decisions (seeded)',
  options: z.object({
    /** Proposals per batch: how many candidates go through the fast level and training together. */
    batchSize: z.number().int().min(1).max(1024).default(4),
  }),
  apply(ctx, options) {
    ctx.provide('controller', () => new RandomController(ctx.rng('controller'), options.batchSize));
  },
});
