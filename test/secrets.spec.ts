// No secret is written in clear (issue 13, point 3): a run, a study and a report given credentials
// in every form (URL userinfo, user:password, query parameters as ioredis reads them, and a
// password known from $REDIS_URL) write none of them to any file or to the terminal.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { maskSecrets, registerSecret } from '@coex/core';
import { coex, tempDir, TINY_PRESET, type CliResult } from './helpers/cli';

const SECRETS = ['pwA1userinfo', 'pwB1userpass', 'pwC1query', 'userD1name', 'pwD1token', 'pwE1fromenv'];
const SERVICE = [
  'redis://:pwA1userinfo@cache.example:6379',
  'redis://bob:pwB1userpass@cache.example',
  'redis://cache.example:6379/0?password=pwC1query',
  'rediss://cache.example/0?username=userD1name&token=pwD1token',
  'and the bare pwE1fromenv',
].join(' ');
const ENV = { REDIS_URL: 'redis://cache.example:6379/0?password=pwE1fromenv' };

/** Every file below `dir`, with the secrets any of them holds. */
function leaks(dir: string): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, name);
    if (!fs.statSync(file).isFile()) continue;
    const text = fs.readFileSync(file).toString('latin1');
    for (const s of SECRETS) if (text.includes(s)) found.push(`${name}: ${s}`);
  }
  return found;
}
const printed = (results: CliResult[]) => results.flatMap((r) => SECRETS.filter((s) => (r.stdout + r.stderr).includes(s)));

describe('secrets are masked everywhere', function () {
  this.timeout(900_000);
  const dir = tempDir('coex-secrets-');

  it('maskSecrets masks each credential form and registered secrets', () => {
    registerSecret('pwZ9registered');
    expect(maskSecrets(`${SERVICE} pwZ9registered`)).to.equal(
      'redis://:***@cache.example:6379 redis://bob:***@cache.example redis://cache.example:6379/0?password=*** ' +
        'rediss://cache.example/0?username=***&token=*** and the bare pwE1fromenv ***');
    expect(maskSecrets('redis://cache.example:6379/2 https://example.org/?q=1')).to.equal('redis://cache.example:6379/2 https://example.org/?q=1');
  });

  it('a run (with a failed trial naming the service), its show, export and report, and a study write no secret', () => {
    const runDir = path.join(dir, 'run');
    const sets = ['--set', `trainer.service=${SERVICE}`, '--set', 'trainer.failSeqs=[1]'];
    const results = [coex(['run', '--preset', TINY_PRESET, '--budget', '4', '--out', runDir, ...sets], { env: ENV })];
    expect(results[0].status, results[0].stderr).to.equal(0);
    // The failed trial's error reached the store (masked), so the masking was exercised there.
    const exported = coex(['export', runDir, '--format', 'json'], { env: ENV });
    expect(JSON.parse(exported.stdout).find((t: { trial: number }) => t.trial === 1).error).to.include('redis://:***@cache.example:6379');
    results.push(exported, coex(['show', runDir], { env: ENV }), coex(['export', runDir, '--format', 'csv', '--out', path.join(runDir, 'trials.csv')], { env: ENV }));
    const report = coex(['report', runDir], { env: ENV });
    expect(report.status, report.stderr).to.equal(0);
    results.push(report);
    const studyDir = path.join(dir, 'study');
    const study = coex(['ablate', '--arms', `a=${TINY_PRESET}`, '--seeds', '1', '--budget', '2', '--out', studyDir, ...sets], { env: ENV });
    expect(study.status, study.stderr).to.equal(0);
    results.push(study, coex(['show', studyDir], { env: ENV }));
    expect(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8')).to.include('redis://cache.example:6379/0?password=***');
    expect([...leaks(runDir), ...leaks(studyDir)]).to.deep.equal([]);
    expect(printed(results)).to.deep.equal([]);
  });

  it('an error message that echoes a value masks it', () => {
    const r = coex(['run', '--preset', TINY_PRESET, '--out', path.join(dir, 'refused'), '--set', 'spec.minThroughput="redis://:pwA1userinfo@h?token=pwD1token"'], { env: ENV });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include('spec.minThroughput: expected a positive number, got "redis://:***@h?token=***"');
    expect(printed([r])).to.deep.equal([]);
  });
});
