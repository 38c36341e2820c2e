// `coex export --format onnx` and `coex finalize --onnx` through the real bin, on a real (tiny)
// co-exploration run trained with trainer-tfjs: the retraining of unsaved weights, the saved
// weights used as they are, design.json, and Debian python3-onnx's checker on every file.
// (plugins/trainer-tfjs/test/onnx.spec.ts checks the numbers against TensorFlow.js.)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { FIXTURES, coex, tempDir } from '../helpers/cli';

const PYTHON = '/usr/bin/python3';
const PRESET = path.join(FIXTURES, 'presets', 'tiny-tfjs.ts');
const hasOnnx = () => spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;

/** The onnx checker's verdict (null: python3-onnx is missing). */
function check(file: string): string | null {
  if (!hasOnnx()) return null;
  const r = spawnSync(PYTHON, ['-c', 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print("ok")', file], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : r.stderr;
}

describe('coex export --format onnx and coex finalize --onnx', function () {
  this.timeout(600_000);
  let dir: string;
  let front: { trial: number; metrics: { accuracy: number } }[];

  before(() => {
    if (!hasOnnx()) console.log(`      note: ${PYTHON} cannot import onnx (Debian python3-onnx); the checker steps are skipped`);
    dir = path.join(tempDir(), 'run');
    const r = coex(['run', '--preset', PRESET, '--out', dir]);
    expect(r.status, r.stderr).to.equal(0);
    front = JSON.parse(coex(['show', dir, '--json']).stdout).pareto;
    expect(front.length).to.be.greaterThan(0);
  });

  it('retrains a trial whose weights the run did not save (and says so), then writes net.onnx and net.design.json', () => {
    const best = front[0];
    const out = path.join(dir, '..', 'net.onnx');
    const r = coex(['export', dir, '--format', 'onnx', '--trial', String(best.trial), '--out', out]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.include(`the run did not save trial ${best.trial}'s weights; retraining it with its own settings and seed`);
    // Same settings and seed: the same network as the search trained.
    expect(r.stderr).to.include(`validation accuracy ${best.metrics.accuracy} (the search's: ${best.metrics.accuracy})`);
    const verdict = check(out);
    if (verdict !== null) expect(verdict).to.equal('ok');
    const design = JSON.parse(fs.readFileSync(path.join(dir, '..', 'net.design.json'), 'utf8'));
    expect(design).to.include({ format: 1, onnx: 'net.onnx', trial: best.trial, retrained: true });
    expect(design.design.model).to.equal('fpga-pipeline');
    for (const stage of design.design.stages) {
      expect(stage).to.have.keys('part', 'layers', 'tiling');
      expect(stage.layers[1]).to.be.below(design.layers.length);
    }
    expect(design.layers.map((l: { name: string }) => l.name)).to.deep.equal(['conv0', 'conv1', 'dense']);
  });

  it('uses the weights a run saved (trainer.saveDir) as they are', () => {
    const savedRun = path.join(dir, '..', 'saved-run');
    const run = coex(['run', '--preset', PRESET, '--budget', '2', '--set', 'trainer.saveDir=models', '--out', savedRun]);
    expect(run.status, run.stderr).to.equal(0);
    const [first] = JSON.parse(coex(['show', savedRun, '--json']).stdout).pareto;
    const out = path.join(savedRun, '..', 'saved.onnx');
    const r = coex(['export', savedRun, '--format', 'onnx', '--trial', String(first.trial), '--out', out]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.not.include('retraining');
    expect(JSON.parse(fs.readFileSync(path.join(savedRun, '..', 'saved.design.json'), 'utf8')).retrained).to.equal(false);
    const verdict = check(out);
    if (verdict !== null) expect(verdict).to.equal('ok');
  });

  it('refuses a trial that was not trained, and a missing --trial, with exit code 2', () => {
    const missing = coex(['export', dir, '--format', 'onnx', '--out', path.join(dir, '..', 'x.onnx')]);
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.match(/needs --trial <n>/);
    const none = coex(['export', dir, '--format', 'onnx', '--trial', '99', '--out', path.join(dir, '..', 'x.onnx')]);
    expect(none.status).to.equal(2);
    expect(none.stderr).to.match(/has no trial 99/);
    expect(fs.existsSync(path.join(dir, '..', 'x.onnx'))).to.equal(false);
  });

  it('finalize --onnx writes model.onnx and model.design.json beside each final model', () => {
    const r = coex(['finalize', dir, '--top', '1', '--epochs', '1', '--onnx', '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const [result] = JSON.parse(r.stdout).results;
    expect(result.onnx).to.equal(path.join(path.dirname(result.final.savedTo), 'model.onnx'));
    const verdict = check(result.onnx);
    if (verdict !== null) expect(verdict).to.equal('ok');
    const design = JSON.parse(fs.readFileSync(path.join(path.dirname(result.onnx), 'model.design.json'), 'utf8'));
    expect(design).to.include({ trial: result.trial, onnx: 'model.onnx' });

  });
});
