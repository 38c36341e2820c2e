// The command contribution point: a package's package.json declares `coex.commands`; `coex --help`
// lists them without loading their modules, the module is loaded when its command runs, and a
// first-party command whose package is missing names the package to install.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIRST_PARTY_COMMANDS, discoverCommands, missingCommand } from '../cli/src/commands';
import { FIXTURES, ROOT, coex, tempDir } from './helpers/cli';

const HELLO = path.join(FIXTURES, 'packages', 'coex-plugin-hello');

/** A project folder with the fixture package installed in its node_modules. */
function projectWithHello(): string {
  const project = tempDir('coex-commands-');
  fs.cpSync(HELLO, path.join(project, 'node_modules', 'coex-plugin-hello'), { recursive: true });
  return project;
}

describe('commands contributed by installed packages', function () {
  this.timeout(120_000);

  it('every first-party command is declared by the package named as its owner', () => {
    const found = discoverCommands(ROOT);
    for (const [name, pkg] of Object.entries(FIRST_PARTY_COMMANDS)) {
      const c = found.find((f) => f.name === name);
      expect(c, `coex ${name}`).to.not.equal(undefined);
      expect(c!.package).to.equal(pkg);
      expect(c!.description.length).to.be.greaterThan(10);
    }
  });

  it("a third-party package's command is listed by --help without being loaded, and runs", () => {
    const project = projectWithHello();
    const help = coex(['--help'], { cwd: project });
    expect(help.status, help.stderr).to.equal(0);
    expect(help.stdout).to.match(/^ {2}hello\s+greet someone \(contributed by coex-plugin-hello\)$/m);
    for (const name of Object.keys(FIRST_PARTY_COMMANDS)) expect(help.stdout).to.match(new RegExp(`^  ${name}\\b`, 'm'));
    expect(help.stderr).to.not.include('command module loaded');
    // The malformed second declaration is skipped with a warning naming the file.
    expect(help.stderr).to.match(/warning: .*coex-plugin-hello[\\/]package\.json: coex\.commands\[1\] needs a name/);

    const run = coex(['hello', '--name', 'Ada'], { cwd: project });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.equal('hello, Ada\n');
    expect(run.stderr).to.include('command module loaded');
    const own = coex(['help', 'hello'], { cwd: project });
    expect(own.stdout).to.include('--name <who>').and.include('greet someone');
  });

  it('never loads a command from inside a folder given on its command line (a folder is data)', () => {
    const project = projectWithHello();
    const r = coex(['hello', project], { cwd: project });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/coex hello: not loading .*hello-command\.js: it lies inside .*, a folder the command reads/);
    expect(r.stderr).to.not.include('command module loaded');
  });

  it('a missing first-party command names the package to install; an unknown one is a usage error', () => {
    expect(missingCommand('worker')?.message).to.match(/coex worker is contributed by @coex\/plugin-executor-bullmq, which is not installed here; install it .*npm install @coex\/plugin-executor-bullmq/);
    expect(missingCommand('nonsense')).to.equal(undefined);
    const r = coex(['nonsense']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include("unknown command 'nonsense'");
  });
});
