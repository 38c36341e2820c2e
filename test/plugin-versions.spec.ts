// Every first-party plugin declares the version of its own package.json (one source of truth):
// the version recorded with each run and checked by `coex resume` is the installed package's.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';

const PLUGINS = path.join(__dirname, '..', 'plugins');

describe('first-party plugin versions', function () {
  this.timeout(120_000);
  const packages = fs.readdirSync(PLUGINS).filter((dir) => fs.existsSync(path.join(PLUGINS, dir, 'package.json')));

  it('each plugin factory carries the version of its package.json', () => {
    expect(packages.length).to.be.greaterThan(20);
    for (const dir of packages) {
      const pkg = JSON.parse(fs.readFileSync(path.join(PLUGINS, dir, 'package.json'), 'utf8')) as { name: string; version: string };
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const factory = require(pkg.name).default as { meta?: { version: string } };
      expect(factory.meta?.version, pkg.name).to.equal(pkg.version);
    }
  });

  it('no plugin source spells a version out', () => {
    for (const dir of packages) {
      const src = path.join(PLUGINS, dir, 'src');
      for (const file of fs.readdirSync(src, { recursive: true }) as string[]) {
        if (!file.endsWith('.ts')) continue;
        const text = fs.readFileSync(path.join(src, file), 'utf8');
        expect(text, `${dir}/src/${file}`).not.to.match(/version:\s*'\d+\.\d+\.\d+'|PLUGIN_VERSION\s*=\s*'/);
      }
    }
  });
});
