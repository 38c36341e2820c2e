import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { MetricsScanner, renderCommand, shellQuote } from '../src/index';
import { LineSplitter, LineTail } from '../src/output-lines';

const scan = (...lines: string[]) => {
  const scanner = new MetricsScanner();
  lines.forEach((l) => scanner.push(l));
  return scanner.result();
};

describe('trainer-command: protocol pieces', () => {
  it('shell-quotes substituted values so the shell gives them back unchanged', () => {
    for (const value of ['/tmp/plain/arch.json', "/tmp/it's here/arch.json", 'a b  c', '$HOME `x` "q" \\ ; &', '']) {
      const echoed = spawnSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' }).stdout;
      expect(echoed).to.equal(value);
    }
    expect(shellQuote('/tmp/plain/arch.json')).to.equal('/tmp/plain/arch.json');
  });

  it('replaces only the four placeholders, every occurrence', () => {
    const line = renderCommand('python3 -c "print({1: 2})" {arch} --seed {seed} --seq {seq} --out {dir}/m {arch} {other}', {
      arch: '/r/trials/3/arch.json', seq: '3', seed: '42', dir: '/r/trials 3',
    });
    expect(line).to.equal(`python3 -c "print({1: 2})" /r/trials/3/arch.json --seed 42 --seq 3 --out '/r/trials 3'/m /r/trials/3/arch.json {other}`);
  });

  it('the last line with a numeric accuracy wins; later JSON without one and other text are ignored', () => {
    const result = scan('{"accuracy": 0.2}', ' {"accuracy": 0.8, "loss": 0.3, "curve": [1, 2]} ', '{"epoch": 3}', 'bye');
    expect(result).to.deep.equal({ accuracy: 0.8, loss: 0.3, curve: [1, 2] });
  });

  it('accepts the bounds 0 and 1 and rejects a huge value that JSON reads as Infinity', () => {
    expect(scan('{"accuracy": 0}').accuracy).to.equal(0);
    expect(scan('{"accuracy": 1}').accuracy).to.equal(1);
    expect(() => scan('{"accuracy": 1e999}')).to.throw(/stdout line 1: accuracy Infinity is outside 0..1/);
  });

  it('splits chunks into lines across chunk boundaries, CRLF included, and keeps the last lines', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    ['{"accu', 'racy": 0.5}\r\nsecond', ' line\nthird'].forEach((c) => splitter.push(c));
    splitter.end();
    expect(lines).to.deep.equal(['{"accuracy": 0.5}', 'second line', 'third']);
    const tail = new LineTail(2);
    lines.forEach((l) => tail.push(l));
    expect(tail.lines()).to.deep.equal(['second line', 'third']);
  });
});
