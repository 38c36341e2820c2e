#!/usr/bin/env node
// `npm run bench [-- filter]`: runs every `*.bench.ts` under core/ and plugins/*/bench/, each in its
// own Node process (so one benchmark's JIT and heap do not disturb the next), and writes what they
// print (markdown sections) to BENCHMARKS.md with the command, the date and the machine.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const filter = process.argv[2];
const dirs = ['core/bench', ...fs.readdirSync(path.join(root, 'plugins')).map((p) => `plugins/${p}/bench`)];
const files = dirs
  .filter((d) => fs.existsSync(path.join(root, d)))
  .flatMap((d) => fs.readdirSync(path.join(root, d)).filter((f) => f.endsWith('.bench.ts')).map((f) => `${d}/${f}`))
  .filter((f) => !filter || f.includes(filter));

const sections = [];
for (const file of files) {
  process.stderr.write(`bench: ${file}\n`);
  const out = execFileSync(process.execPath, ['--conditions=coex-source', '-r', './scripts/register.js', file], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  sections.push(`<!-- ${file} -->\n${out.trim()}\n`);
}
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const header = [
  '# Benchmarks',
  '',
  `Produced by \`npm run bench\` (one section: \`npm run bench -- <plugin folder>\`) on ${new Date().toISOString().slice(0, 10)}, ` +
    `machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
  'Each section names the benchmark file that wrote it. Numbers are from this machine only.',
  '',
].join('\n');
const target = path.join(root, 'BENCHMARKS.md');
if (filter && fs.existsSync(target)) {
  // A filtered run replaces only its own sections.
  let text = fs.readFileSync(target, 'utf8');
  for (const s of sections) {
    const tag = s.split('\n')[0];
    const start = text.indexOf(tag);
    if (start >= 0) {
      const next = text.indexOf('<!-- ', start + tag.length);
      text = text.slice(0, start) + s + (next >= 0 ? '\n' + text.slice(next) : '');
    } else text += '\n' + s;
  }
  fs.writeFileSync(target, text);
} else {
  fs.writeFileSync(target, `${header}\n${sections.join('\n')}`);
}
process.stderr.write(`bench: wrote ${path.relative(process.cwd(), target)}\n`);
