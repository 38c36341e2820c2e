// A run folder is data (issue 13, point 2): reading commands (show, export, report) open the store
// read-only with the installed store package and load no module the folder's config.json names,
// and they work on a folder nobody may write.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { coex, ROOT, tempDir, TINY_PRESET } from './helpers/cli';

const NOBODY = 65534;

describe('a run folder is data', function () {
  this.timeout(600_000);
  const dir = tempDir('coex-data-');
  const original = path.join(dir, 'original');
  const crafted = path.join(dir, 'crafted');
  const marker = path.join(crafted, 'EXECUTED');

  before(() => {
    const r = coex(['run', '--preset', TINY_PRESET, '--budget', '4', '--out', original]);
    expect(r.status, r.stderr).to.equal(0);
    // The same run, but its config.json names a module inside the folder for every plugin.
    fs.cpSync(original, crafted, { recursive: true });
    fs.writeFileSync(path.join(crafted, 'store.js'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = {};\n`);
    const configFile = path.join(crafted, 'config.json');
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    for (const p of config.plugins) p.module = './store.js';
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  });

  it('show, export and report read a folder whose config.json names modules in the folder, and run none of them', () => {
    const shown = coex(['show', crafted, '--json']);
    expect(shown.status, shown.stderr).to.equal(0);
    expect(JSON.parse(shown.stdout).counts.sampled).to.equal(4);
    const exported = coex(['export', crafted, '--format', 'json']);
    expect(exported.status, exported.stderr).to.equal(0);
    expect(exported.stdout).to.equal(coex(['export', original, '--format', 'json']).stdout);
    const report = coex(['report', crafted, '--json']);
    expect(report.status, report.stderr).to.equal(0);
    expect(fs.existsSync(path.join(crafted, 'report.html'))).to.equal(true);
    expect(fs.existsSync(marker), 'a module of the folder was executed').to.equal(false);
  });

  it('resume refuses the module paths of a folder unless --trust-folder is given', () => {
    // A run stopped before its store existed: resume would load its plugins.
    const stopped = path.join(dir, 'stopped');
    fs.mkdirSync(stopped);
    fs.copyFileSync(path.join(crafted, 'config.json'), path.join(stopped, 'config.json'));
    fs.copyFileSync(path.join(crafted, 'store.js'), path.join(stopped, 'store.js'));
    const refused = coex(['resume', stopped]);
    expect(refused.status, refused.stderr).to.equal(2);
    expect(refused.stderr).to.match(/config\.json names plugin .* by the module path "\.\/store\.js"; a run folder is data.*--trust-folder/);
    expect(fs.existsSync(marker)).to.equal(false);
    expect(fs.readdirSync(stopped).sort()).to.deep.equal(['config.json', 'store.js']);
    // Trusted, the module is loaded (and is no plugin): the user asked for it.
    const trusted = coex(['resume', '--trust-folder', stopped]);
    expect(trusted.status).to.equal(2);
    expect(trusted.stderr).to.match(/is not a Coex plugin/);
    expect(fs.existsSync(marker)).to.equal(true);
  });

  it('show and export work on a run folder nobody may write', () => {
    const archived = path.join(dir, 'archived');
    fs.cpSync(original, archived, { recursive: true });
    const before = coex(['export', archived, '--format', 'json']).stdout;
    const files = fs.readdirSync(archived).sort();
    fs.chmodSync(dir, 0o755);
    for (const name of fs.readdirSync(archived)) fs.chmodSync(path.join(archived, name), 0o444);
    fs.chmodSync(archived, 0o555);
    try {
      // Root ignores permissions, so as root the commands run as nobody.
      const asOther = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
      const cli = (args: string[]) => spawnSync(process.execPath, ['--conditions=coex-source', '-r', path.join(ROOT, 'scripts', 'register.js'), path.join(ROOT, 'cli', 'bin', 'coex.js'), ...args],
        { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' }, ...asOther });
      const shown = cli(['show', archived]);
      expect(shown.status, shown.stderr).to.equal(0);
      expect(shown.stdout).to.match(/candidates: 4 sampled/);
      const exported = cli(['export', archived, '--format', 'json']);
      expect(exported.status, exported.stderr).to.equal(0);
      expect(exported.stdout).to.equal(before);
      expect(fs.readdirSync(archived).sort()).to.deep.equal(files);
    } finally {
      fs.chmodSync(archived, 0o755);
    }
  });
});
