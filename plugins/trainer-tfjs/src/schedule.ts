// Learning-rate schedules over a run's planned steps (epochs x batches per epoch).
import type { ScheduleName } from './options';

/** Fractions of the run after which the 'step' schedule multiplies the rate by 0.1. */
export const STEP_MILESTONES = [0.5, 0.75] as const;

/** The rate for 0-based step `step` of `totalSteps`. */
export function learningRateAt(schedule: ScheduleName, base: number, step: number, totalSteps: number): number {
  const progress = totalSteps > 0 ? step / totalSteps : 0;
  switch (schedule) {
    case 'constant':
      return base;
    case 'cosine':
      return base * 0.5 * (1 + Math.cos(Math.PI * progress));
    case 'step':
      return base * 0.1 ** STEP_MILESTONES.filter((m) => progress >= m).length;
  }
}
