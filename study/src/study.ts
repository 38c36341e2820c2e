// Ablation studies: several arms (presets, or one preset with different overrides) run over
// several seeds. Each arm x seed is a core Run (run id `<label>/seed<s>`, its own child container)
// in the one study folder, so every trial lands in one store. study.json (arms, seeds, the
// resolved configuration of every arm) is written before anything runs; `coex resume` continues
// the study: finished runs are skipped, interrupted ones resume through core's resume path.
// Reading a study folder (study.json, its store) is core's (@coex/core/host's study-reader).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadPreset, loadResolvedPlugins, parseSet, resolveConfig, type FolderTrust, type ResolvedConfig, CONFIG_FILE, writeFileAtomic, acquireLock, checkOutDir, makeOutDir, Run, PluginHost, loadRole, parseSeed, STUDY_FILE, readStudy, studyRunConfig, openStudyStore, type StudyArm, type StudyDefinition, STUDY_FORMAT, type StudyRunEntry } from '@coex/core/host';
import { UserError, codeOf, isUserError, messageOf, type RunSummary, maskSecretsDeep, ROLE_NAMES, type RunRecord, closest, type Budget, CORE_VERSION } from '@coex/core';


/** Settings a `--set` path may start with when it is meant for every arm. */
const SETTING_PREFIXES = ['seed', 'budget', 'spec', 'objectives', ...ROLE_NAMES];
const LABEL = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export interface ArmRequest {
  /** Defaults to the preset's name. */
  label?: string;
  preset: string;
}

export interface StudyRequest {
  arms: ArmRequest[];
  seeds: number[];
  /** budget.candidates of every arm (`--budget`). */
  budget?: number;
  /** budget.trained of every arm (`--trained`). */
  trainedBudget?: number;
  /** `<label>.<path>=<value>` for one arm; `<path>=<value>` (a role, spec, budget) for every arm. */
  sets?: string[];
  /** `--use <plugin>[=<json options>]` for every arm. */
  use?: string[];
  out?: string;
  cwd?: string;
}

export interface PreparedStudy {
  dir: string;
  study: StudyDefinition;
  release: () => void;
  /** Load the module paths study.json names (a new study: they came from the user's command). */
  trustFolder: boolean;
}

export const studyRunId = (label: string, seed: number) => `${label}/seed${seed}`;

/** Parses `--arms [<label>=]<preset>[,...]`. */
export function parseArmList(text: string): ArmRequest[] {
  const arms = text.split(',').map((s) => s.trim()).filter(Boolean).map((item) => {
    const eq = item.indexOf('=');
    if (eq < 0) return { preset: item };
    const label = item.slice(0, eq).trim();
    const preset = item.slice(eq + 1).trim();
    if (!preset) throw new UserError(`--arms ${item}: no preset after "${label}="; expected <label>=<preset>`);
    return { label, preset };
  });
  if (arms.length === 0) throw new UserError('--arms: expected [<label>=]<preset>[,...], e.g. --arms a=co-exploration,b=co-exploration');
  return arms;
}

/** Parses `--seeds 1,2,3`. */
export function parseSeedList(text: string): number[] {
  const seeds = text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => parseSeed(s, '--seeds'));
  if (seeds.length === 0) throw new UserError('--seeds: expected one or more seeds, e.g. --seeds 1,2,3');
  const twice = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (twice !== undefined) throw new UserError(`--seeds: seed ${twice} is listed twice`);
  return seeds;
}

function defaultStudyDir(labels: string[], cwd: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const name = `${stamp}-${labels.join('-vs-')}`.slice(0, 80);
  let dir = path.join(cwd, 'studies', name);
  for (let i = 2; fs.existsSync(dir); i++) dir = path.join(cwd, 'studies', `${name}-${i}`);
  return dir;
}

function armLabels(arms: ArmRequest[], cwd: string): string[] {
  const labels = arms.map((arm) => arm.label ?? presetName(arm.preset, cwd));
  labels.forEach((label, i) => {
    const given = arms[i].label !== undefined;
    if (!LABEL.test(label)) {
      throw new UserError(given
        ? `--arms: label "${label}" may hold only letters, digits, "-" and "_" (it names runs <label>/seed<s> and --set <label>.<path>)`
        : `--arms ${arms[i].preset}: the preset's name "${label}" cannot be a label; give one: --arms <label>=${arms[i].preset}`);
    }
    if (SETTING_PREFIXES.includes(label)) {
      throw new UserError(`--arms: label "${label}" is also a setting name, so --set ${label}.… would be ambiguous; choose another label`);
    }
  });
  const twice = labels.find((l, i) => labels.indexOf(l) !== i);
  if (twice !== undefined) {
    throw new UserError(`--arms: two arms are labelled "${twice}"; tell them apart with labels, e.g. --arms a=${arms[labels.indexOf(twice)].preset},b=${arms[labels.lastIndexOf(twice)].preset}`);
  }
  return labels;
}

function presetName(preset: string, cwd: string): string {
  const names = loadPreset(preset, cwd).names;
  return names[names.length - 1];
}

/** Splits `--set` overrides into those for every arm and those for one arm (label prefix removed). */
function splitSets(sets: string[], labels: string[]): { common: string[]; byLabel: Map<string, string[]> } {
  const common: string[] = [];
  const byLabel = new Map(labels.map((l) => [l, [] as string[]]));
  for (const assignment of sets) {
    const [first, ...rest] = parseSet(assignment).path;
    const value = assignment.slice(assignment.indexOf('='));
    if ((byLabel.has(first) ? rest[0] : first) === 'seed') {
      throw new UserError(`--set ${assignment}: a study sets the seed of every run from --seeds; leave seed out of --set`);
    }
    if (byLabel.has(first)) {
      if (rest.length === 0) throw new UserError(`--set ${assignment}: name the setting after the label, e.g. --set ${first}.controller.batchSize=2`);
      byLabel.get(first)!.push(rest.join('.') + value);
    } else if (SETTING_PREFIXES.includes(first)) {
      common.push(assignment);
    } else {
      const hint = closest(first, [...labels, ...SETTING_PREFIXES]);
      throw new UserError(
        `--set ${assignment}: "${first}" is neither an arm label (${labels.join(', ')}) nor a setting (${SETTING_PREFIXES.join(', ')})` +
          (hint ? `; did you mean "${hint}"?` : ''),
      );
    }
  }
  return { common, byLabel };
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Resolves every arm and lays out the runs; writes nothing (`coex ablate --plan`). */
export function planStudy(request: StudyRequest): { dir: string; study: StudyDefinition } {
  const cwd = request.cwd ?? process.cwd();
  if (request.arms.length === 0) throw new UserError('a study needs at least one arm (--arms)');
  if (request.seeds.length === 0) throw new UserError('a study needs at least one seed (--seeds)');
  const labels = armLabels(request.arms, cwd);
  const { common, byLabel } = splitSets(request.sets ?? [], labels);
  const arms: StudyArm[] = request.arms.map((arm, i) => {
    const label = labels[i];
    const sets = [...common, ...byLabel.get(label)!];
    let config: ResolvedConfig;
    try {
      ({ config } = resolveConfig({ preset: arm.preset, sets, use: request.use, budget: request.budget, trainedBudget: request.trainedBudget, seed: request.seeds[0], cwd }));
    } catch (error) {
      if (isUserError(error)) throw new UserError(`arm ${label} (${arm.preset}): ${messageOf(error)}`);
      throw error;
    }
    return { label, preset: arm.preset, sets, config };
  });
  const stores = arms.map((a) => a.config.plugins.find((p) => p.role === 'store'));
  const missing = arms.find((_, i) => !stores[i]);
  if (missing) throw new UserError(`arm ${missing.label}: no plugin fills the store role, so its trials would be lost; add store-sqlite to its preset`);
  const other = arms.findIndex((_, i) => !sameJson(stores[i], stores[0]));
  if (other > 0) throw new UserError(`arms ${arms[0].label} and ${arms[other].label} use different stores (${stores[0]!.name} ${JSON.stringify(stores[0]!.options)} vs ${stores[other]!.name} ${JSON.stringify(stores[other]!.options)}); a study keeps every trial in one store`);
  const budgetKey = (b: Budget) => [b.candidates, b.trained ?? null, b.timeLimit ?? null];
  const study: StudyDefinition = {
    format: STUDY_FORMAT,
    coexVersion: CORE_VERSION,
    createdAt: new Date().toISOString(),
    arms,
    seeds: [...request.seeds],
    runs: request.seeds.flatMap((seed) => arms.map((arm) => ({ id: studyRunId(arm.label, seed), arm: arm.label, seed }))),
    budget: {
      equal: arms.every((a) => sameJson(budgetKey(a.config.budget), budgetKey(arms[0].config.budget))),
      ...(request.budget !== undefined ? { candidates: request.budget } : {}),
      ...(request.trainedBudget !== undefined ? { trained: request.trainedBudget } : {}),
    },
  };
  const dir = path.resolve(cwd, request.out ?? defaultStudyDir(labels, cwd));
  return { dir, study };
}

/**
 * Plans the study, runs every arm's preflight (required roles, each role's `check()`), then creates
 * its folder, takes the lock and writes study.json before anything runs. A study refused at any
 * of the first steps creates nothing.
 */
export async function prepareStudy(request: StudyRequest): Promise<PreparedStudy> {
  const { dir, study } = planStudy(request);
  checkOutDir(dir);
  if (fs.existsSync(path.join(dir, STUDY_FILE))) throw new UserError(`${dir} already holds a study; continue it with \`coex resume ${dir}\` or choose another --out`);
  if (fs.existsSync(path.join(dir, CONFIG_FILE))) throw new UserError(`${dir} holds a run, not a study; choose another --out`);
  await preflightArms(dir, study);
  makeOutDir(dir);
  const release = acquireLock(dir);
  writeFileAtomic(path.join(dir, STUDY_FILE), JSON.stringify(maskSecretsDeep(study), null, 2) + '\n');
  return { dir, study, release, trustFolder: true };
}

/** Every arm's preflight, before anything of the study runs; a failure names the arm. */
/** Checks every arm's inputs; on resume, `trust` refuses plugins the folder names by a module path. */
async function preflightArms(dir: string, study: StudyDefinition, trust?: FolderTrust): Promise<void> {
  for (const arm of study.arms) {
    try {
      await new PluginHost({ dir, outDir: studyRunDir(dir, studyRunId(arm.label, study.seeds[0])), config: arm.config, plugins: loadResolvedPlugins(arm.config, dir, undefined, trust) }).preflight();
    } catch (error) {
      if (isUserError(error)) throw new UserError(`arm ${arm.label} (${arm.preset}): ${messageOf(error)}`, codeOf(error));
      throw error;
    }
  }
}

const studyTrust = (dir: string, trusted: boolean) => ({ file: path.join(dir, STUDY_FILE), trusted });

/** The status of every run the store holds. */
async function storedRunStatus(dir: string, readOnly: boolean): Promise<Map<string, RunRecord['status']>> {
  const { store, runs } = await openStudyStore(dir, { readOnly });
  await store.close();
  return new Map(runs.map((r) => [r.id, r.status]));
}

/**
 * Prepares `coex resume <study-dir>`: the same plugins (same versions) as recorded. Returns
 * undefined when every run of the study has finished (nothing to do, nothing changed).
 */
export async function resumeStudy(dir: string, options: { trustFolder?: boolean } = {}): Promise<PreparedStudy | undefined> {
  const absolute = path.resolve(dir);
  const study = readStudy(absolute);
  // Read-only first, so that a finished study's files are left untouched; a study stopped before
  // its store was created has nothing to read (the run below then reports any real problem).
  const stored = await storedRunStatus(absolute, true).catch(() => new Map<string, RunRecord['status']>());
  if (study.runs.every((r) => stored.get(r.id) === 'finished')) return undefined;
  const release = acquireLock(absolute);
  try {
    await preflightArms(absolute, study, studyTrust(absolute, !!options.trustFolder));
  } catch (error) {
    release();
    throw error;
  }
  return { dir: absolute, study, release, trustFolder: !!options.trustFolder };
}

export interface StudyRunInfo extends StudyRunEntry {
  /** 1-based position in the study and the number of runs. */
  index: number;
  total: number;
  config: ResolvedConfig;
  /** Absent when the run had already finished and is skipped. */
  run?: Run;
  resumed: boolean;
}

export interface StudyOutcome {
  status: 'finished' | 'interrupted';
  runs: (StudyRunEntry & { skipped: boolean; summary?: RunSummary })[];
}

export interface RunStudyOptions {
  /** Aborting interrupts the current run (resumable) and starts no other. */
  signal?: AbortSignal;
  /** Called for every run before it starts (subscribe to `info.run.events$` for progress) or is skipped. */
  onRun?: (info: StudyRunInfo) => void;
  log?: (message: string) => void;
}

/** The folder for the files plugins write for one run of a study (`PluginContext.outDir`). */
export function studyRunDir(studyDir: string, runId: string): string {
  return path.join(studyDir, 'runs', ...runId.split('/'));
}

/**
 * Runs every unfinished arm-seed run of a prepared study in order. A failing run ends the study
 * (the error is thrown; finished trials are kept and `coex resume` retries the run).
 */
export async function runStudy(prepared: PreparedStudy, options: RunStudyOptions = {}): Promise<StudyOutcome> {
  const { dir, study } = prepared;
  const stored = await storedRunStatus(dir, false);
  const outcome: StudyOutcome = { status: 'finished', runs: [] };
  let current: Run | undefined;
  const onAbort = () => current?.cancel();
  options.signal?.addEventListener('abort', onAbort);
  try {
    for (const [i, entry] of study.runs.entries()) {
      const config = studyRunConfig(study, entry);
      const info = { ...entry, index: i + 1, total: study.runs.length, config };
      if (stored.get(entry.id) === 'finished') {
        options.onRun?.({ ...info, resumed: false });
        outcome.runs.push({ ...entry, skipped: true });
        continue;
      }
      if (options.signal?.aborted) {
        outcome.status = 'interrupted';
        break;
      }
      const resumed = stored.has(entry.id);
      current = new Run({ dir, outDir: studyRunDir(dir, entry.id), config, plugins: loadResolvedPlugins(config, dir, undefined, studyTrust(dir, prepared.trustFolder)), runId: entry.id, resume: resumed, log: options.log });
      options.onRun?.({ ...info, run: current, resumed });
      const summary = await current.execute();
      outcome.runs.push({ ...entry, skipped: false, summary });
      if (summary.status === 'interrupted') {
        outcome.status = 'interrupted';
        break;
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return outcome;
}
