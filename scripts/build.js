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
// Presets that import another preset's exports (its quick overlay) are built in a second pass:
// within one `tsc --build` the other preset's dist/ is built but not found from a fresh clone
// (a lookup cached before it existed), so the first pass builds everything they import.
const importsPreset = (dir) => dir.startsWith('presets/') &&
  fs.readFileSync(path.join(root, dir, 'tsconfig.json'), 'utf8').match(/"path":\s*"\.\.\/[^.]/);
const tsc = require.resolve('typescript/bin/tsc');
for (const pass of [projects.filter((d) => !importsPreset(d)), projects.filter(importsPreset)]) {
  if (pass.length) execFileSync(process.execPath, [tsc, '--build', ...pass], { cwd: root, stdio: 'inherit' });
}
