import { expect } from 'chai';
import type { Trial } from '@coex/core';
import plugin, { AccuracyFloor } from '../src';

const trial = { seq: 0 } as Trial;

describe('__PACKAGE_NAME__', () => {
  it('stops a child below the floor once it has trained enough epochs, and says why', () => {
    const scheduler = new AccuracyFloor(0.6, 2);
    expect(scheduler.judge({ step: 10, epoch: 1, accuracy: 0.3, loss: 2 }, trial, [])).to.equal(undefined);
    expect(scheduler.judge({ step: 20, epoch: 2, accuracy: 0.7, loss: 1 }, trial, [])).to.equal(undefined);
    expect(scheduler.judge({ step: 20, epoch: 2, accuracy: 0.5, loss: 1 }, trial, [])).to.deep.equal({ reason: 'accuracy 0.5000 after 2 epochs is below 0.6', resource: 2 });
  });

  it('rejects a floor above 1 with the option path', () => {
    expect(() => plugin({ floor: 2 })).to.throw(/option scheduler.floor/);
  });
});
