// Isomorphism-aware de-duplication: a candidate equivalent to one already trained in this run is not
// trained (queried) again; the `train` hook hands it the earlier result, marked as a duplicate.
import type { CoexHooks, RoleResolver, TrainingResult, Trial } from '@coex/core';
import { canonicalCell } from './isomorphism';
import { isNb201Cell } from './space';

declare module '@coex/core' {
  interface TrainingResult {
    /** Benchmark queries this result cost (0 when it was reused). */
    queries?: number;
    /** The trial whose result was reused for this isomorphic candidate. */
    duplicateOf?: number;
  }
}

interface Known {
  seq: number;
  training: TrainingResult;
}

/** Taps sample (annotate `canonical`), train (reuse), trialEnd (remember) and runStart (reload on resume). */
export function tapDedupe(hooks: CoexHooks, name: string, roles: () => RoleResolver | undefined): void {
  const known = new Map<string, Known>();
  const remember = (trial: Trial) => {
    const arch = trial.candidate.architecture;
    if (trial.status !== 'done' || !trial.training || trial.training.duplicateOf !== undefined || !isNb201Cell(arch)) return;
    const key = arch.canonical ?? canonicalCell(arch.cell);
    if (!known.has(key)) known.set(key, { seq: trial.seq, training: trial.training });
  };

  // Late stage: canonicalise whatever cell other sample taps (repairs) leave.
  hooks.sample.tap({ name, stage: 100 }, (candidate) =>
    isNb201Cell(candidate.architecture)
      ? { ...candidate, architecture: { ...candidate.architecture, canonical: canonicalCell(candidate.architecture.cell) } }
      : candidate,
  );

  // Early stage: a reused result must win over any other source of results.
  hooks.train.tap({ name, stage: -100 }, (candidate) => {
    const arch = candidate.architecture;
    if (!isNb201Cell(arch)) return undefined;
    const hit = known.get(arch.canonical ?? canonicalCell(arch.cell));
    if (!hit) return undefined;
    return { ...hit.training, queries: 0, duplicateOf: hit.seq, seconds: 0, ...(hit.training.simulatedSeconds !== undefined ? { simulatedSeconds: 0 } : {}) };
  });

  hooks.trialEnd.tap(name, (trial) => remember(trial));

  // On resume the trials stored before the interruption are not replayed: read them back.
  hooks.runStart.tapPromise(name, async (info) => {
    const resolver = roles();
    if (!info.resumed || !resolver) return;
    const store = await resolver.get('store');
    for (const trial of await store.listTrials(info.runId)) remember(trial);
  });
}
