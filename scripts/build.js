#!/usr/bin/env node
// Builds every workspace package (dist/) in one `tsc --build` so that the `coex` bin and third-party
// installs run compiled JavaScript. Run by `npm ci` through the root `prepare` script.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const { workspaces } = require(path.join(root, 'package.json'));
const projects = [];
for (const pattern of workspaces) {
  if (!fs.existsSync(path.join(root, pattern.replace(/\/\*$/, '')))) continue;
  const dirs = pattern.endsWith('/*')
    ? fs.readdirSync(path.join(root, pattern.slice(0, -2)), { withFileTypes: true })
        .filter((d) => d.isDirectory()).map((d) => path.join(pattern.slice(0, -2), d.name))
    : [pattern];
  for (const dir of dirs) if (fs.existsSync(path.join(root, dir, 'tsconfig.json'))) projects.push(dir);
}
// No preset imports another's code (a family's quick overlay is inherited through `extends`, at
// run time), so one `tsc --build` builds everything, also from a fresh clone.
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--build', ...projects], { cwd: root, stdio: 'inherit' });
