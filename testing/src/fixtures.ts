// Hook fixture folders (like Babel's and webpack's fixture cases): one folder per case holding
// input.json ({ hook, args, options?, seed?, spec? }) and expected.json (what the hook returns;
// null for nothing, or { "$error": "text the error message contains" }). One shared runner.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HOOK_NAMES, UserError, closest, messageOf, type HardwareSpec, type HookName, type PluginFactory } from '@coex/core';
import { hookHarness, type HookCallArgs } from './hooks';

export interface HookFixture {
  /** The case folder's name. */
  name: string;
  dir: string;
  hook: HookName;
  args: unknown[];
  options: Record<string, unknown>;
  seed?: number;
  spec?: HardwareSpec;
  expected: unknown;
}

const ERROR_KEY = '$error';

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`hook fixture ${file} is missing`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(`hook fixture ${file}: invalid JSON: ${messageOf(error)}`);
  }
}

/** Reads every case folder under `dir`, sorted by name. */
export function loadHookFixtures(dir: string): HookFixture[] {
  if (!fs.existsSync(dir)) throw new UserError(`hook fixture folder ${dir} does not exist`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const caseDir = path.join(dir, name);
      const inputFile = path.join(caseDir, 'input.json');
      const input = readJson(inputFile) as { hook?: unknown; args?: unknown; options?: unknown; seed?: unknown; spec?: unknown };
      if (!input || typeof input !== 'object') throw new UserError(`${inputFile}: expected an object { hook, args, options?, seed?, spec? }`);
      if (typeof input.hook !== 'string' || !(HOOK_NAMES as string[]).includes(input.hook)) {
        const hint = typeof input.hook === 'string' ? closest(input.hook, HOOK_NAMES) : undefined;
        throw new UserError(`${inputFile}: "hook" must be one of ${HOOK_NAMES.join(', ')}, got ${JSON.stringify(input.hook)}${hint ? ` (did you mean ${hint}?)` : ''}`);
      }
      if (!Array.isArray(input.args)) throw new UserError(`${inputFile}: "args" must be the list of the hook's arguments`);
      return {
        name,
        dir: caseDir,
        hook: input.hook as HookName,
        args: input.args,
        options: (input.options ?? {}) as Record<string, unknown>,
        ...(typeof input.seed === 'number' ? { seed: input.seed } : {}),
        ...(input.spec ? { spec: input.spec as HardwareSpec } : {}),
        expected: readJson(path.join(caseDir, 'expected.json')),
      };
    });
}

/**
 * Runs one case: `actual` is the hook's result as JSON (undefined becomes null), or
 * `{ $error: message }` when it threw. When the message contains the expected text, `actual`
 * equals `expected`, so `expect(actual).to.deep.equal(expected)` states the whole check.
 */
export async function runHookFixture(plugin: PluginFactory, fixture: HookFixture): Promise<{ actual: unknown; expected: unknown }> {
  const expectedError = (fixture.expected as Record<string, unknown> | null)?.[ERROR_KEY];
  let actual: unknown;
  try {
    const harness = await hookHarness(plugin, { options: fixture.options, seed: fixture.seed, spec: fixture.spec });
    const result = await harness.call(fixture.hook, ...(fixture.args as HookCallArgs<HookName>));
    actual = result === undefined ? null : JSON.parse(JSON.stringify(result));
  } catch (error) {
    const message = messageOf(error);
    actual = typeof expectedError === 'string' && message.includes(expectedError) ? { [ERROR_KEY]: expectedError } : { [ERROR_KEY]: message };
  }
  return { actual, expected: fixture.expected };
}
