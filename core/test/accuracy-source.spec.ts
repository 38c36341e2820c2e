import { expect } from 'chai';
import type { Trial } from '../src';
import { summarizeTrials } from '../src/host';

const trial = (seq: number, accuracy: number, source?: string): Trial => ({
  seq, batch: 0, seed: seq, status: 'done', candidate: { tokens: { arch: [], hw: [] }, architecture: { kind: 'chain-cnn' } },
  training: { accuracy, ...(source ? { source } : {}) }, metrics: { accuracy }, timings: {},
});

describe('summarizeTrials: where accuracies come from', () => {
  const objectives = [{ metric: 'accuracy', goal: 'max' as const }];

  it('says nothing for stand-alone trainings, "supernet" when all are supernet scores, "mixed" when some are', () => {
    expect(summarizeTrials([trial(1, 0.5), trial(2, 0.6)], objectives).accuracySource).to.equal(undefined);
    expect(summarizeTrials([trial(1, 0.5, 'supernet'), trial(2, 0.6, 'supernet')], objectives).accuracySource).to.equal('supernet');
    expect(summarizeTrials([trial(1, 0.5, 'supernet'), trial(2, 0.6)], objectives).accuracySource).to.equal('mixed');
  });
});
