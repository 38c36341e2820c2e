// Which subnetworks one training step trains: the sandwich rule (the largest and the smallest
// subnetwork plus random ones), optionally restricted by progressive shrinking. Strides carry no
// weights, so every sampled subnetwork draws its strides at random, the largest and smallest too.
import { Rng, type ChainCnnArchitecture, type ConvLayerSpec } from '@coex/core';
import { chainCnn } from '@coex/kit-chain-cnn';
import type { SupernetShape } from './supernet';

export interface Choices {
  kernels: number[];
  filters: number[];
  strides: number[];
}

export interface SandwichSettings {
  randomSubnets: number;
  progressiveShrinking: boolean;
}

/** Kernels and widths allowed at `progress` (0..1 of the training steps). */
export function allowedChoices(choices: Choices, progress: number, progressive: boolean): Choices {
  if (!progressive) return choices;
  const largest = (v: number[]) => [Math.max(...v)];
  if (progress < 1 / 3) return { ...choices, kernels: largest(choices.kernels), filters: largest(choices.filters) };
  if (progress < 2 / 3) return { ...choices, filters: largest(choices.filters) };
  return choices;
}

/** The subnetworks of one step, largest first (in-place distillation teaches from it). */
export function sandwich(rng: Rng, shape: SupernetShape, choices: Choices, settings: SandwichSettings, progress: number): ChainCnnArchitecture[] {
  const allowed = allowedChoices(choices, progress, settings.progressiveShrinking);
  const net = (layer: () => Omit<ConvLayerSpec, 'stride'>) =>
    chainCnn(Array.from({ length: shape.depth }, () => ({ ...layer(), stride: rng.pick(allowed.strides) })), shape.input, shape.classes);
  const largest = net(() => ({ kernel: Math.max(...allowed.kernels), filters: Math.max(...allowed.filters) }));
  const smallest = net(() => ({ kernel: Math.min(...allowed.kernels), filters: Math.min(...allowed.filters) }));
  const random = Array.from({ length: settings.randomSubnets }, () => net(() => ({ kernel: rng.pick(allowed.kernels), filters: rng.pick(allowed.filters) })));
  return [largest, smallest, ...random];
}
