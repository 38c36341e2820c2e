// `--use <plugin>[=<json options>]` on run, ablate and train: the plugin's role decides which
// plugin it replaces; a bad flag is a user error naming it.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { coex, tempDir, TINY_PRESET } from './helpers/cli';

const TRAIN = ['train', '--arch', '[[3,8,2]]', '--dataset', 'synthetic', '--input', '8x8x1', '--epochs', '1', '--set', 'dataset.trainSize=128', '--set', 'dataset.validationSize=64', '--set', 'dataset.testSize=0', '--json'];
const pluginsOf = (config: { plugins: { name: string; role?: string; options: Record<string, unknown> }[] }) => config.plugins;

/** Whether the Python trainer-torch would pick imports torch here (CI installs python3-torch). */
function torchAvailable(): boolean {
  return ['python3', '/usr/bin/python3'].some((python) => spawnSync(python, ['-c', 'import torch']).status === 0);
}

describe('coex --use', function () {
  this.timeout(180_000);

  it('run: swaps the plugin of a role, with options, and records it in config.json', () => {
    const dir = path.join(tempDir(), 'run');
    const r = coex(['run', '--preset', TINY_PRESET, '--budget', '4', '--out', dir, '--json', '--use', 'controller-evolution={"population":6,"sample":3}']);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).counts.trained).to.equal(4);
    const plugins = pluginsOf(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')));
    const controllers = plugins.filter((p) => p.role === 'controller');
    expect(controllers.map((p) => p.name)).to.deep.equal(['@coex/plugin-controller-evolution']);
    expect(controllers[0].options.population).to.equal(6);
  });

  it('ablate: applies to every arm', () => {
    const r = coex(['ablate', '--arms', `a=${TINY_PRESET},b=${TINY_PRESET}`, '--seeds', '1', '--plan', '--json', '--use', 'controller-evolution']);
    expect(r.status, r.stderr).to.equal(0);
    const plan = JSON.parse(r.stdout);
    for (const arm of plan.arms) {
      expect(pluginsOf(arm.config).filter((p) => p.role === 'controller').map((p) => p.name)).to.deep.equal(['@coex/plugin-controller-evolution']);
    }
  });

  it('train: --use trainer-torch trains with PyTorch (and --trainer is its shorthand)', function () {
    if (!torchAvailable()) {
      process.stderr.write('      skipped: no python3 or /usr/bin/python3 imports torch (Debian: apt install python3-torch)\n');
      this.skip();
    }
    const cwd = tempDir();
    const viaUse = coex([...TRAIN, '--use', 'trainer-torch={"batchSize":32}'], { cwd });
    expect(viaUse.status, viaUse.stderr).to.equal(0);
    const out = JSON.parse(viaUse.stdout);
    expect(out.backend).to.equal('torch');
    expect(out.steps).to.equal(Math.ceil(128 / 32));
    expect(out.accuracy).to.be.within(0, 1);
    expect(out.curve).to.have.length(1);
    const viaTrainer = coex([...TRAIN, '--trainer', 'trainer-torch', '--set', 'trainer.batchSize=32'], { cwd });
    expect(viaTrainer.status, viaTrainer.stderr).to.equal(0);
    expect(JSON.parse(viaTrainer.stdout).accuracy, 'same seed, same accuracy').to.equal(out.accuracy);
    expect(fs.readdirSync(cwd), 'no data files left behind').to.deep.equal([]);
  });

  it('bad flags are user errors naming the flag, for each command', () => {
    const dir = tempDir();
    const run = (...args: string[]) => ['run', '--preset', TINY_PRESET, '--out', path.join(dir, `r${Math.random().toString(36).slice(2)}`), ...args];
    const ablate = (...args: string[]) => ['ablate', '--arms', `a=${TINY_PRESET}`, '--seeds', '1', '--plan', ...args];
    const cases: [string[], RegExp][] = [
      [run('--use', 'controller-evolution={population:4}'), /--use controller-evolution=\{population:4\}: the options after "=" are not valid JSON/],
      [run('--use', 'controller-evolutoin'), /--use controller-evolutoin: unknown plugin "controller-evolutoin".*Did you mean "controller-evolution"\?/],
      [ablate('--use', 'controller-evolution={'), /--use controller-evolution=\{: the options after "=" are not valid JSON/],
      [[...TRAIN, '--use', 'trainer-torch=[1]'], /--use trainer-torch=\[1\]: the options after "=" must be a JSON object/],
      [[...TRAIN, '--use', 'trainer-torhc'], /--use trainer-torhc: unknown plugin "trainer-torhc".*Did you mean "trainer-torch"\?/],
    ];
    for (const [args, message] of cases) {
      const r = coex(args);
      expect(r.status, `${args.join(' ')}\n${r.stderr}`).to.equal(2);
      expect(r.stderr).to.match(message);
      expect(r.stderr).to.not.match(/\n\s+at /);
    }
  });

  it('trainer-torch with an interpreter that lacks torch stops train and run with exit 2, naming it', () => {
    const missing = path.join(tempDir(), 'no-python3');
    const use = `trainer-torch={"python":${JSON.stringify(missing)}}`;
    const dir = tempDir();
    for (const args of [[...TRAIN, '--use', use], ['run', '--preset', TINY_PRESET, '--out', path.join(dir, 'run'), '--use', use]]) {
      const r = coex(args, { cwd: dir });
      expect(r.status, `${args.join(' ')}\n${r.stderr}`).to.equal(2);
      expect(r.stderr).to.include(`no Python with PyTorch found; tried ${missing} (trainer.python): not found`);
      expect(r.stderr).to.not.match(/\n\s+at /);
    }
  });
});
