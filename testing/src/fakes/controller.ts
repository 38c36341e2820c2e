// Fake controller: proposes a scripted list of proposals in order, or samples uniformly from a
// seed. It records what it was told, so a test can check the feedback the loop gave it.
import { Rng, type Controller, type DecisionSpace, type Feedback, type Proposal } from '@coex/core';

export interface FakeControllerOptions {
  /**
   * Proposals in the order they are asked for: a `Proposal`, or just the architecture tokens
   * (the hardware tokens are then all 0). When the list runs out the controller proposes nothing
   * and the run ends. Without a list, every token is drawn uniformly from `seed`.
   */
  proposals?: (Proposal | number[])[];
  /** Proposals per batch (default 4). */
  batchSize?: number;
  /** Seed of the uniform sampler (default 0). */
  seed?: number;
}

export interface FakeController extends Controller {
  /** The decisions the loop gave `init` (undefined before the run starts). */
  readonly space: DecisionSpace | undefined;
  /** Every proposal handed out, in order. */
  readonly asked: Proposal[];
  /** Every feedback received, in the order `tell` got it (trial order). */
  readonly told: Feedback[];
}

interface FakeControllerState {
  /** Index of the next scripted proposal. */
  position: number;
  rng: number[];
}

export function fakeController(options: FakeControllerOptions = {}): FakeController {
  const batchSize = options.batchSize ?? 4;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`fakeController: batchSize must be a whole number >= 1, got ${batchSize}`);
  const script = options.proposals;
  let rng = new Rng(options.seed ?? 0);
  let space: DecisionSpace | undefined;
  let position = 0;
  const asked: Proposal[] = [];
  const told: Feedback[] = [];

  const scripted = (index: number): Proposal | undefined => {
    const entry = script![index];
    if (entry === undefined) return undefined;
    return Array.isArray(entry) ? { arch: [...entry], hw: space!.hw.map(() => 0) } : { arch: [...entry.arch], hw: [...entry.hw] };
  };
  const sampled = (): Proposal => ({
    arch: space!.arch.map((d) => rng.int(d.choices.length)),
    hw: space!.hw.map((d) => rng.int(d.choices.length)),
  });

  return {
    batchSize,
    get space() {
      return space;
    },
    asked,
    told,
    init(decisions) {
      space = decisions;
    },
    ask(count) {
      if (!space) throw new Error('fakeController: ask() before init()');
      const out: Proposal[] = [];
      for (let i = 0; i < count; i++) {
        const next = script ? scripted(position) : sampled();
        if (!next) break;
        position += 1;
        asked.push(next);
        out.push(next);
      }
      return out;
    },
    tell(feedback) {
      told.push(...feedback);
    },
    getState(): FakeControllerState {
      return { position, rng: rng.state() };
    },
    setState(state) {
      const s = state as FakeControllerState;
      position = s.position;
      rng = new Rng({ state: s.rng });
    },
  };
}
