#!/usr/bin/env node
// A stand-in trainer for trying @coex/plugin-trainer-command without a deep-learning library:
// it reads the trial file, "trains" for no time at all, and prints a pseudo-accuracy that depends
// only on the architecture and the trial's seed (bigger chain CNNs score higher, plus seeded
// noise). No dependencies.
//
//   node examples/train_random.js <trial file>      (or with the COEX_ARCH environment variable)
//
// Protocol: the last line of stdout that is a JSON object with a numeric "accuracy" (0..1) is the
// trial's result; other keys are kept. Anything else (progress, logs) may go to stdout or stderr.
'use strict';
const fs = require('node:fs');

/** mulberry32: a tiny seeded generator, enough for reproducible noise. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string, so that any architecture kind gets its own number. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The pseudo-accuracy of an architecture for a seed, in 0.1..0.99. */
function pseudoAccuracy(architecture, seed) {
  const noise = mulberry32(seed ^ hash(JSON.stringify(architecture)))();
  if (architecture.kind !== 'chain-cnn') return 0.1 + 0.8 * noise;
  const layers = architecture.layers;
  // Capacity relative to the paper's largest choices (64 filters, 7x7 kernels).
  const capacity = layers.reduce((s, l) => s + l.filters * l.kernel, 0) / (layers.length * 64 * 7);
  return Math.min(0.99, 0.3 + 0.6 * capacity + 0.05 * noise);
}

function main() {
  const file = process.argv[2] || process.env.COEX_ARCH;
  if (!file) {
    console.error('usage: train_random.js <trial file>   (or set COEX_ARCH)');
    process.exit(2);
  }
  const trial = JSON.parse(fs.readFileSync(file, 'utf8'));
  const accuracy = pseudoAccuracy(trial.architecture, trial.seed);
  console.error(`trial ${trial.seq}: ${trial.architecture.kind}, seed ${trial.seed}`);
  // The metrics line: accuracy is required; params and anything else are kept with the trial.
  console.log(JSON.stringify({ accuracy, ...(trial.params === undefined ? {} : { params: trial.params }) }));
}

if (require.main === module) main();
module.exports = { pseudoAccuracy };
