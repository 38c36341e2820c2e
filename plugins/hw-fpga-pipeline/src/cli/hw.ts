// `coex hw`: cost a network on a hardware model without running a search.
import * as fs from 'node:fs';
import type { Command } from '@coex/cli';
import { resolveConfig, loadRole } from '@coex/core/host';
import { NoFeasibleCandidateError, UserError, closest, checkSpec, type Architecture } from '@coex/core';
import { parseArchFlag, readScaleSimTopology } from '@coex/kit-chain-cnn';
import { collect, formatNumber, positiveInt, printJson } from '@coex/cli';

/** `--set` paths of `coex hw` are the model's own options; `spec.*` sets the hardware spec. */
export function hardwareSets(sets: string[]): string[] {
  return sets.map((s) => (s.startsWith('spec.') ? s : `hardware.${s}`));
}

/** `--topology`: a SCALE-Sim CSV file by path, or by name one of the layer tables the model ships. */
export function readTopology(given: string, named: Record<string, string>, model: string): Architecture {
  const file = fs.existsSync(given) ? given : named[given.replace(/\.csv$/i, '')];
  if (!file) {
    const names = Object.keys(named);
    const hint = closest(given.replace(/\.csv$/i, ''), names);
    throw new UserError(`--topology ${given}: no such file${names.length ? `, nor a topology of ${model} (it ships ${names.join(', ')})${hint ? `; did you mean "${hint}"?` : ''}` : ` (the ${model} model ships no named topologies)`}`);
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`--topology: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  return readScaleSimTopology(text, file);
}

export function registerHw(program: Command): void {
  program
    .command('hw')
    .requiredOption('--model <name>', 'hardware model plugin: fpga-pipeline, systolic-array, or a third-party one')
    .option('--arch <json>', "chain CNN as a list of [kernel, filters, stride]")
    .option('--input <HxWxC>', 'input shape for --arch', '32x32x3')
    .option('--classes <n>', 'classes for --arch', positiveInt('--classes'), 10)
    .option('--topology <csv|name>', 'SCALE-Sim topology CSV, or a topology the model ships by name (e.g. alexnet), instead of --arch')
    .option('--set <option=value>', "the model's options (no role prefix), or spec.<limit>=<value> (repeatable)", collect, [])
    .option('--tune', 'search the best design for this network under the spec')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      if (!opts.arch === !opts.topology) throw new UserError('coex hw needs exactly one of --arch or --topology');
      const { config, plugins } = resolveConfig({ plugins: [opts.model], sets: hardwareSets(opts.set) });
      if (!plugins.some((p) => p.plugin.role === 'hardware')) throw new UserError(`--model ${opts.model}: plugin ${plugins[0]?.plugin.name} is not a hardware model`);
      const hardware = await loadRole('hardware', { dir: process.cwd(), config, plugins });
      const architecture: Architecture = opts.topology
        ? readTopology(opts.topology, hardware.topologies?.() ?? {}, opts.model)
        : parseArchFlag(opts.arch, opts.input, opts.classes);
      let design;
      let metrics;
      if (opts.tune) {
        if (!hardware.tune) throw new UserError(`${opts.model} has no tuner`);
        const tuned = hardware.tune(architecture, config.spec);
        if (!tuned) throw new NoFeasibleCandidateError(`no design of ${opts.model} meets the spec ${JSON.stringify(config.spec)} for this network`);
        ({ design, metrics } = tuned);
      } else {
        design = await hardware.propose(architecture, [], config.spec);
        metrics = hardware.evaluate(architecture, design);
      }
      const violations = checkSpec(metrics, config.spec);
      const out = { model: hardware.name, ...metrics, design, ...(violations.length ? { violations } : {}) };
      if (opts.json) return printJson(out);
      const lines = [`model ${hardware.name}${metrics.feasible ? '' : ' (does not fit: ' + (metrics.infeasible ?? []).join('; ') + ')'}`];
      for (const key of ['cycles', 'throughput', 'latency', 'power', 'gops', 'energyEfficiency'] as const) {
        if (typeof metrics[key] === 'number') lines.push(`${key}: ${formatNumber(metrics[key] as number)}`);
      }
      lines.push(`design: ${JSON.stringify(design)}`);
      for (const v of violations) lines.push(`violates ${v.message}`);
      process.stdout.write(lines.join('\n') + '\n');
    });
}

export const register = registerHw;
