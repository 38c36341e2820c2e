// `coex export <run> --format onnx --trial <n> --out net.onnx` (and `coex finalize --onnx`): a
// trained network as ONNX, written by the run's trainer (it saved the weights and knows its
// network), and beside it <name>.design.json, the hardware design an FPGA or accelerator flow
// starts from. A trial whose weights the run did not save is retrained first.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ResolvedConfig, isStudyDir, openRunStore, readRunConfig } from '@coex/core/host';
import { convLayersOf } from '@coex/kit-chain-cnn';
import { UserError, type Trainer, loadTrainer, type Candidate, type HardwareMetrics, type Metrics, CORE_VERSION } from '@coex/core';
import { writeExportFile } from './export-file';

export const DESIGN_FORMAT = 1;

/** `net.onnx` -> `net.design.json`. */
export function designFileFor(onnxFile: string): string {
  const ext = path.extname(onnxFile);
  return path.join(path.dirname(onnxFile), `${path.basename(onnxFile, ext.toLowerCase() === '.onnx' ? ext : '')}.design.json`);
}

export interface OnnxExport {
  trainer: Trainer;
  /** The trainer plugin's name, for the error when it cannot write ONNX. */
  trainerName: string;
  savedTo: string;
  candidate: Candidate;
  out: string;
  /** Where the network comes from: the run, its trial and (after finalize) the training. */
  source: { run: string; trial: number; hardware?: HardwareMetrics; metrics?: Metrics; [key: string]: unknown };
}

/** Writes the ONNX file and its design.json; returns both paths. */
export async function writeOnnxWithDesign(job: OnnxExport): Promise<{ onnx: string; design: string }> {
  if (!job.trainer.toOnnx) throw new UserError(`the run's trainer ${job.trainerName} cannot write ONNX (it has no toOnnx); @coex/plugin-trainer-tfjs can`);
  const bytes = await job.trainer.toOnnx(job.savedTo, job.candidate.architecture);
  const design = {
    format: DESIGN_FORMAT,
    coexVersion: CORE_VERSION,
    onnx: path.basename(job.out),
    // The ONNX model's input: NCHW float32, values as the dataset gives them (0..1).
    input: { name: 'input', layout: 'NCHW' },
    ...job.source,
    network: job.candidate.architecture,
    // The layers hardware models count (a stage's `layers: [first, last]` indexes this list); each
    // is named like its ONNX node (conv<i> with relu<i> and bn<i> after it, dense).
    layers: convLayersOf(job.candidate.architecture),
    // The hardware model's design: FPGA pipeline stages (part, layers, tiling), an array shape, ...;
    // null without hardware in the loop.
    design: job.candidate.design ?? null,
  };
  const designFile = designFileFor(job.out);
  writeExportFile(job.out, bytes);
  writeExportFile(designFile, JSON.stringify(design, null, 2) + '\n');
  return { onnx: job.out, design: designFile };
}

export const trainerNameOf = (config: ResolvedConfig): string => config.plugins.find((p) => p.role === 'trainer')?.name ?? 'trainer';

/** The run's configuration with the trainer's options changed (saveDir for a retraining). */
function withTrainerOptions(config: ResolvedConfig, options: Record<string, unknown>): ResolvedConfig {
  return { ...config, plugins: config.plugins.map((p) => (p.role === 'trainer' ? { ...p, options: { ...p.options, ...options } } : p)) };
}

export async function exportOnnx(dir: string, opts: { trial?: number; out?: string }): Promise<void> {
  if (opts.trial === undefined) throw new UserError('coex export --format onnx needs --trial <n> (coex show lists the front\'s trials)');
  if (!opts.out) throw new UserError('coex export --format onnx needs --out <file.onnx>');
  if (isStudyDir(dir)) throw new UserError(`${dir} is a study folder; coex export --format onnx takes a run folder`);
  const runDir = path.resolve(dir);
  const config = readRunConfig(runDir);
  const { store, runs } = await openRunStore(runDir);
  let trials;
  try {
    if (runs.length !== 1) throw new UserError(`${dir} holds ${runs.length} runs; coex export --format onnx takes a single run folder`);
    trials = await store.listTrials(runs[0].id);
  } finally {
    await store.close();
  }
  const trial = trials.find((t) => t.seq === opts.trial);
  if (!trial) throw new UserError(`${dir} has no trial ${opts.trial} (trials 0-${trials.length - 1})`);
  if (trial.status !== 'done') throw new UserError(`trial ${trial.seq} of ${dir} was not trained (status ${trial.status}); only trained trials have a network to export`);

  const stored = typeof trial.training?.savedTo === 'string' && fs.existsSync(trial.training.savedTo) ? trial.training.savedTo : undefined;
  const retrainDir = stored ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'coex-onnx-'));
  const trainer = await loadTrainer(retrainDir ? withTrainerOptions(config, { saveDir: retrainDir }) : config, runDir);
  try {
    let savedTo = stored;
    if (!savedTo) {
      process.stderr.write(`coex: the run did not save trial ${trial.seq}'s weights; retraining it with its own settings and seed (${trial.seed})\n`);
      const result = await trainer.train({ seq: trial.seq, seed: trial.seed, architecture: trial.candidate.architecture });
      if (typeof result.savedTo !== 'string') throw new UserError(`the run's trainer did not save the retrained trial ${trial.seq} (it has no saveDir option)`);
      savedTo = result.savedTo;
      process.stderr.write(`coex: retrained trial ${trial.seq}: validation accuracy ${result.accuracy} (the search's: ${trial.metrics.accuracy})\n`);
    }
    const written = await writeOnnxWithDesign({
      trainer, trainerName: trainerNameOf(config), savedTo, candidate: trial.candidate, out: opts.out,
      source: { run: runDir, trial: trial.seq, seed: trial.seed, metrics: trial.metrics, hardware: trial.hardware, retrained: !stored },
    });
    process.stderr.write(`coex: wrote trial ${trial.seq} to ${written.onnx} and its hardware design to ${written.design}\n`);
  } finally {
    await trainer.close?.();
    if (retrainDir) fs.rmSync(retrainDir, { recursive: true, force: true });
  }
}
