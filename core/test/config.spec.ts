// Config reading, command-line overrides, core's settings and the composition of presets and
// plugins, tested on their own (the CLI specs cover them only through whole runs).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../src/config';
import { readConfigFile } from '../src/config-file';
import { deepMerge, parseSet, parseUse } from '../src/config-overrides';
import { budgetSchema, objectivesSchema, parseDuration, parseSetting, resolveSettings, specSchema } from '../src/config-settings';
import { UserError, codeOf } from '../src/errors';

const CORE = path.resolve(__dirname, '..', 'src');

/** Throws, and the error is a UserError with this code whose message matches. */
function refuses(fn: () => unknown, message: RegExp, code?: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a UserError').to.be.instanceOf(UserError);
  expect((error as Error).message).to.match(message);
  if (code) expect(codeOf(error)).to.equal(code);
}

describe('config: reading files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-config-read-'));
  const file = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads JSON and YAML mappings; an empty file is an empty mapping', () => {
    expect(readConfigFile(file('a.json', '{"seed": 3, "budget": {"candidates": 4}}'))).to.deep.equal({ seed: 3, budget: { candidates: 4 } });
    expect(readConfigFile(file('a.yaml', 'seed: 3\nspec:\n  maxPower: 2.5\n'))).to.deep.equal({ seed: 3, spec: { maxPower: 2.5 } });
    expect(readConfigFile(file('empty.yaml', ''))).to.deep.equal({});
  });

  it('names the file, line and column of a syntax error', () => {
    refuses(() => readConfigFile(file('bad.json', '{\n  "seed": 3,\n}\n')), /bad\.json:3:1: invalid JSON: /, 'COEX_CONFIG_FILE');
    refuses(() => readConfigFile(file('bad.yaml', 'seed: 3\nbudget: [1, 2\n')), /bad\.yaml:\d+:\d+: invalid YAML: /, 'COEX_CONFIG_FILE');
    refuses(() => readConfigFile(path.join(dir, 'missing.yaml')), /cannot read config file .*missing\.yaml: ENOENT/);
  });

  it('refuses numbers too large for a double where they are written, and YAML alias bombs', () => {
    refuses(() => readConfigFile(file('big.json', '{"seed": 1,\n "spec": {"maxPower": 1e999}}')), /big\.json:2:\d+: 1e999 is not a finite number/);
    refuses(() => readConfigFile(file('inf.yaml', 'spec:\n  maxPower: .inf\n')), /inf\.yaml:2:\d+: \.inf is not a finite number/);
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 6; i++) bomb += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
    refuses(() => readConfigFile(file('bomb.yaml', bomb)), /more than 100 YAML alias expansions/);
  });

  it('keeps "__proto__" as an ordinary key (reported later as an unknown setting), and refuses a list at the top', () => {
    const value = readConfigFile(file('proto.json', '{"__proto__": {"seed": 3}}'));
    expect(Object.keys(value)).to.deep.equal(['__proto__']);
    expect(({} as Record<string, unknown>).seed).to.equal(undefined);
    refuses(() => readConfigFile(file('list.yaml', '- a\n- b\n')), /list\.yaml: expected a mapping of settings at the top level/);
  });
});

describe('config: --set, --use and merging', () => {
  it('--set reads JSON values, else a string, and splits the path', () => {
    expect(parseSet('trainer.epochs=2')).to.deep.equal({ path: ['trainer', 'epochs'], value: 2 });
    expect(parseSet('hardware.pool=["a","b"]')).to.deep.equal({ path: ['hardware', 'pool'], value: ['a', 'b'] });
    expect(parseSet('dataset.dir=/data/x')).to.deep.equal({ path: ['dataset', 'dir'], value: '/data/x' });
    expect(parseSet('spec.maxPower = 3.5')).to.deep.equal({ path: ['spec', 'maxPower'], value: 3.5 });
    refuses(() => parseSet('trainer.epochs'), /--set trainer\.epochs: expected <path>=<value>/, 'COEX_BAD_OVERRIDE');
    refuses(() => parseSet('spec.maxPower=1e999'), /--set spec\.maxPower=1e999: 1e999 is not a finite number/);
    refuses(() => parseSet('x.y={"a":[1,1e999]}'), /\(at a\.1\)/);
  });

  it('--use gives a plugin entry with JSON options', () => {
    expect(parseUse('trainer-torch')).to.deep.equal(['trainer-torch', {}]);
    expect(parseUse('trainer-torch={"epochs":2}')).to.deep.equal(['trainer-torch', { epochs: 2 }]);
    refuses(() => parseUse('x={epochs:2}'), /the options after "=" are not valid JSON/, 'COEX_BAD_OVERRIDE');
    refuses(() => parseUse('x=[1]'), /must be a JSON object/);
    refuses(() => parseUse('=1'), /expected <plugin>\[=<json options>\]/);
  });

  it('deepMerge merges mappings, replaces lists and scalars, and never writes a prototype', () => {
    const merged = deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3], e: 2 }, d: { f: 1 } });
    expect(merged).to.deep.equal({ a: { b: 1, c: [3], e: 2 }, d: { f: 1 } });
    const polluted = deepMerge({}, JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(Object.hasOwn(polluted, '__proto__')).to.equal(true);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});

describe('config: core settings (zod schemas)', () => {
  it('budget: defaults, durations in several spellings, the path of a bad value', () => {
    expect(parseSetting(budgetSchema, {}, 'budget')).to.deep.equal({ candidates: 10 });
    expect(parseSetting(budgetSchema, { candidates: 5, trained: 2, timeLimit: '1h30m', trainSeconds: 90, trainCpuSeconds: '2m', images: null }, 'budget'))
      .to.deep.equal({ candidates: 5, trained: 2, timeLimit: 5400, trainSeconds: 90, trainCpuSeconds: 120 });
    expect(parseDuration('2m', 'x')).to.equal(120);
    refuses(() => parseSetting(budgetSchema, { trained: 0 }, 'budget'), /^budget\.trained: expected a whole number of at least 1, got 0$/, 'COEX_BAD_SETTING');
    refuses(() => parseSetting(budgetSchema, { candidates: 2.5 }, 'budget'), /^budget\.candidates: expected a whole number of at least 1, got 2\.5$/);
    refuses(() => parseSetting(budgetSchema, { timeLimit: 'soon' }, 'budget'), /^budget\.timeLimit: expected a positive duration such as 90s, 30m, 2h or 1h30m, got "soon"$/);
    refuses(() => parseSetting(budgetSchema, { candidatess: 3, trained: 0 }, 'budget'), /^budget: unknown setting "candidatess" \(did you mean "candidates"\?\); settings are candidates, trained, timeLimit, trainSeconds, trainCpuSeconds, images$/);
    refuses(() => parseSetting(budgetSchema, 5, 'budget'), /^budget: expected a mapping \(candidates, trained, timeLimit\), got 5$/);
  });

  it('spec: positive limits, null unsets a limit', () => {
    expect(parseSetting(specSchema, { minThroughput: 10, maxPower: null }, 'spec')).to.deep.equal({ minThroughput: 10 });
    refuses(() => parseSetting(specSchema, { maxLatency: -1 }, 'spec'), /^spec\.maxLatency: expected a positive number, got -1$/);
    refuses(() => parseSetting(specSchema, { maxLatency: 'fast' }, 'spec'), /^spec\.maxLatency: expected a positive number, got "fast"$/);
    refuses(() => parseSetting(specSchema, JSON.parse('{"__proto__": {"maxPower": 1}}'), 'spec'), /^spec: unknown setting "__proto__"/);
  });

  it('objectives: names or {metric, goal}; a bad entry is named by its index; defaults follow the hardware role', () => {
    expect(parseSetting(objectivesSchema, ['accuracy', { metric: 'latency', goal: 'min' }], 'objectives'))
      .to.deep.equal([{ metric: 'accuracy', goal: 'max' }, { metric: 'latency', goal: 'min' }]);
    refuses(() => parseSetting(objectivesSchema, ['accuracy', { metric: 'latency', goal: 'down' }], 'objectives'),
      /^objectives\[1\]: expected \{metric: <name>, goal: max\|min\}, got \{"metric":"latency","goal":"down"\}$/);
    refuses(() => parseSetting(objectivesSchema, [], 'objectives'), /^objectives: expected a non-empty list/);
    expect(resolveSettings({}, new Set()).objectives).to.deep.equal([{ metric: 'accuracy', goal: 'max' }]);
    expect(resolveSettings({}, new Set(['hardware'])).objectives.map((o) => o.metric)).to.deep.equal(['accuracy', 'throughput', 'energyEfficiency']);
    expect(resolveSettings({ seed: 9 }, new Set())).to.include({ seed: 9 });
  });
});

describe('config: composition of presets and plugins', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-config-compose-'));
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
  // Three tiny plugins: two fill the controller role, one only taps hooks.
  const plugin = (file: string, name: string, role: string | undefined, options: string) =>
    write(file, `const { definePlugin, z } = require(${JSON.stringify(CORE)});\n` +
      `module.exports = definePlugin({ name: '${name}', version: '1.0.0', ${role ? `role: '${role}', ` : ''}options: z.object({ ${options} }), apply() {} });\n`);
  before(() => {
    plugin('ctl-a.js', 'coex-plugin-ctl-a', 'controller', 'n: z.number().default(1), tag: z.string().default("a")');
    plugin('ctl-b.js', 'coex-plugin-ctl-b', 'controller', 'n: z.number().default(2)');
    plugin('watch.js', 'coex-plugin-watch', undefined, 'level: z.number().default(0)');
    write('base.js', `module.exports = { name: 'base', plugins: [['./ctl-a.js', { n: 3 }], './watch.js'], config: { seed: 5, budget: { candidates: 7, trained: 3 }, controller: { tag: 'base' } } };\n`);
    write('child.js', `module.exports = { name: 'child', extends: './base.js', plugins: [['./ctl-a.js', { tag: 'entry' }]], config: { budget: { candidates: 8 } } };\n`);
    write('loop.js', `module.exports = { name: 'loop', extends: './loop.js', plugins: [] };\n`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const resolve = (request: Parameters<typeof resolveConfig>[0]) => resolveConfig({ cwd: dir, ...request });
  const options = (r: ReturnType<typeof resolveConfig>, name: string) => r.config.plugins.find((p) => p.name === name)?.options;

  it('a preset chain is composed base first; a same-named entry merges its options; settings merge deeply', () => {
    const r = resolve({ preset: './child.js' });
    expect(r.config.preset).to.equal('child');
    expect(r.config.plugins.map((p) => p.name)).to.deep.equal(['coex-plugin-ctl-a', 'coex-plugin-watch']);
    // Entry options (n: 3 from base, tag from child's entry), then the chain's `config` (controller.tag: base) wins over entries.
    expect(options(r, 'coex-plugin-ctl-a')).to.deep.equal({ n: 3, tag: 'base' });
    expect(r.config).to.include({ seed: 5 });
    expect(r.config.budget).to.deep.equal({ candidates: 8, trained: 3 });
    expect(r.config.plugins[0]).to.include({ role: 'controller', version: '1.0.0', module: path.join(dir, 'ctl-a.js') });
  });

  it('precedence: entry options < preset config < config file < --set < flags', () => {
    write('user.yaml', 'preset: ./child.js\nseed: 6\ncontroller: { tag: file, n: 4 }\nbudget: { candidates: 9 }\n');
    const r = resolve({ configFile: 'user.yaml', sets: ['controller.n=5', 'budget.candidates=10'], budget: 11, seed: 12 });
    expect(options(r, 'coex-plugin-ctl-a')).to.deep.equal({ n: 5, tag: 'file' });
    expect(r.config.budget.candidates).to.equal(11);
    expect(r.config.seed).to.equal(12);
  });

  it('a plugin filling the same role replaces the earlier one; "!name" switches one off; --use goes last', () => {
    const replaced = resolve({ plugins: ['./ctl-a.js', './watch.js', './ctl-b.js', '!./watch.js'] });
    expect(replaced.config.plugins.map((p) => p.name)).to.deep.equal(['coex-plugin-ctl-b']);
    // The preset's controller options apply to whichever plugin fills the role: ctl-b has no `tag`.
    refuses(() => resolve({ preset: './child.js', use: ['./ctl-b.js'] }), /plugin coex-plugin-ctl-b: unknown option controller\.tag/, 'COEX_PLUGIN_OPTIONS');
    const used = resolve({ plugins: ['./ctl-a.js'], use: ['./ctl-b.js={"n":9}'] });
    expect(used.config.plugins.map((p) => [p.name, p.options.n])).to.deep.equal([['coex-plugin-ctl-b', 9]]);
  });

  it('--set addresses a plugin that fills no role by its name; unknown prefixes get a did-you-mean', () => {
    const r = resolve({ preset: './base.js', sets: ['watch.level=2'] });
    expect(options(r, 'coex-plugin-watch')).to.deep.equal({ level: 2 });
    refuses(() => resolve({ preset: './base.js', sets: ['contoller.n=1'] }), /did you mean "controller"\?/);
    refuses(() => resolve({ preset: './base.js', sets: ['controller=1'] }), /name the option after the prefix/);
  });

  it('refuses options for a role no plugin fills, a preset that extends itself, and a missing preset', () => {
    refuses(() => resolve({ preset: './base.js', sets: ['trainer.epochs=1'] }), /options were given for the trainer role \(epochs\), but no plugin of this run fills it/, 'COEX_BAD_CONFIG');
    refuses(() => resolve({ preset: './loop.js' }), /preset "\.\/loop\.js" extends itself/);
    refuses(() => resolve({}), /no preset given/);
    refuses(() => resolve({ preset: './nope.js' }), /preset file .*nope\.js does not exist/, 'COEX_NOT_FOUND');
  });
});
