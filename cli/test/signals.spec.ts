// withStopSignals: the first Ctrl-C/SIGTERM stops the work with a message, a second quits (130).
import { expect } from 'chai';
import { INTERRUPTED_EXIT, withStopSignals } from '../src/signals';

describe('withStopSignals', () => {
  const listeners = () => [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
  let written: string[];
  let exits: (number | undefined)[];
  const write = process.stderr.write;
  const exit = process.exit;
  beforeEach(() => {
    written = [];
    exits = [];
    process.stderr.write = ((text: string) => (written.push(text), true)) as typeof process.stderr.write;
    process.exit = ((code?: number) => { exits.push(code); }) as typeof process.exit;
  });
  afterEach(() => {
    process.stderr.write = write;
    process.exit = exit;
  });

  it('the first signal calls stop once and says so; the work ends as it does; the handlers are gone after', async () => {
    const before = listeners();
    let stops = 0;
    let stopped!: () => void;
    const result = await withStopSignals('stopping the test', () => { stops++; stopped(); }, () => new Promise<string>((resolve) => {
      stopped = () => resolve('stopped cleanly');
      process.emit('SIGTERM');
    }));
    expect(result).to.equal('stopped cleanly');
    expect(stops).to.equal(1);
    expect(exits).to.deep.equal([]);
    expect(written).to.deep.equal(['\ncoex: stopping the test (Ctrl-C again to quit now)\n']);
    expect(listeners()).to.deep.equal(before);
  });

  it('a second signal quits at once with 130; a failing work removes the handlers too', async () => {
    const before = listeners();
    const error = await withStopSignals('stopping', () => {}, async () => {
      process.emit('SIGINT');
      process.emit('SIGINT');
      throw new Error('the work failed');
    }).catch((e: Error) => e);
    expect(exits).to.deep.equal([INTERRUPTED_EXIT]);
    expect(INTERRUPTED_EXIT).to.equal(130);
    expect((error as Error).message).to.equal('the work failed');
    expect(listeners()).to.deep.equal(before);
  });
});
