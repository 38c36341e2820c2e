// A controller: proposes candidates (one token per decision) and learns from their results. This
// one samples every decision uniformly at random from the run's seed; put your search strategy in
// `ask` and `tell`.
import { Rng, definePlugin, z, type Controller, type DecisionSpace, type Feedback, type Proposal } from '@coex/core';

const PLUGIN_NAME = '__PACKAGE_NAME__';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

export class UniformController implements Controller {
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

  tell(feedback: Feedback[]): void {
    // Results arrive in trial order, once per batch: update your strategy here.
    void feedback;
  }

  /** Saved after every batch, so `coex resume` continues where the run stopped. */
  getState(): { rng: number[] } {
    return { rng: this.rng.state() };
  }

  setState(state: unknown): void {
    this.rng = new Rng({ state: (state as { rng: number[] }).rng });
  }
}

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'controller',
  // The @coex/core versions this plugin works with (checked when Coex loads it).
  coex: '__CORE_RANGE__',
  description: 'Uniform random search (a template controller)',
  options: z.object({
    /** Proposals per batch. */
    batchSize: z.number().int().min(1).max(1024).default(4),
  }),
  apply(ctx, options) {
    // ctx.rng draws from the run's seed: the same seed proposes the same candidates.
    ctx.provide('controller', () => new UniformController(ctx.rng('controller'), options.batchSize));
  },
});
