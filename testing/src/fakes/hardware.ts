// Fake hardware model: throughput is a fixed number of MACs per second divided by the network's
// MACs, so bigger networks are slower and a throughput spec prunes them. Feasibility is up to the
// test. Decisions in `designSpace` are decoded into the design; one named `opsPerSecond` sets the
// speed of that design.
import {
  type Architecture,
  type Decision,
  type HardwareDesign,
  type HardwareMetrics,
  type HardwareModel,
} from '@coex/core';
import { describeChainCnn, isChainCnn } from '@coex/kit-chain-cnn';

export interface FakeHardwareOptions {
  /** MACs per second (default 1e8): throughput = opsPerSecond / MACs. */
  opsPerSecond?: number;
  /** MAC count of an architecture (default: the chain-CNN count from core). */
  macs?: (architecture: Architecture) => number;
  /** Whether a design fits (default true), or a predicate. */
  feasible?: boolean | ((architecture: Architecture, design: HardwareDesign) => boolean);
  /** Why an infeasible design does not fit (default "does not fit the fake device"). */
  reason?: string;
  /** Hardware decisions the controller samples (default none: one fixed design). */
  designSpace?: Decision[];
}

export interface FakeHardware extends HardwareModel {
  /** How many times `evaluate` ran. */
  readonly evaluations: number;
}

export function chainCnnMacs(architecture: Architecture): number {
  if (!isChainCnn(architecture)) {
    throw new Error(`fakeHardware counts MACs of chain-cnn architectures only, got ${architecture.kind}; pass macs: (architecture) => number`);
  }
  return describeChainCnn(architecture).macs;
}

/** The metrics the fake hardware gives a network of `macs` MACs at `opsPerSecond`. */
export function fakeHardwareMetrics(macs: number, opsPerSecond: number): HardwareMetrics {
  const throughput = opsPerSecond / macs;
  const power = 1 + macs / 1e6;
  const gops = (2 * macs * throughput) / 1e9;
  return { feasible: true, throughput, latency: 1 / throughput, power, gops, energyEfficiency: gops / power };
}

export function fakeHardware(options: FakeHardwareOptions = {}): FakeHardware {
  const designSpace = options.designSpace ?? [];
  const macsOf = options.macs ?? chainCnnMacs;
  let evaluations = 0;
  return {
    name: 'fake',
    get evaluations() {
      return evaluations;
    },
    designSpace: () => designSpace,
    propose(_architecture, tokens) {
      const design: HardwareDesign = { model: 'fake', opsPerSecond: options.opsPerSecond ?? 1e8 };
      designSpace.forEach((d, i) => {
        design[d.name] = d.choices[tokens[i] ?? 0];
      });
      return design;
    },
    evaluate(architecture, design) {
      evaluations += 1;
      const metrics = fakeHardwareMetrics(macsOf(architecture), Number(design.opsPerSecond));
      const fits = typeof options.feasible === 'function' ? options.feasible(architecture, design) : options.feasible ?? true;
      return fits ? metrics : { ...metrics, feasible: false, infeasible: [options.reason ?? 'does not fit the fake device'] };
    },
  };
}
