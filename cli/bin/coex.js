#!/usr/bin/env node
'use strict';
// Resolves through the package's own exports: dist/ normally, src/ under --conditions=coex-source (tests).
require('@coex/cli')
  .main(process.argv.slice(2))
  .then(() => exitWhenFlushed(process.exitCode ?? 0));

// process.exit() drops what a pipe has not taken yet (`coex show --json | jq` would get the first
// 64 KiB): exit once the last writes to stdout and stderr have been handed over. Exiting at all
// matters: worker threads or timers of plugins may still hold the event loop.
function exitWhenFlushed(code) {
  let pending = 2;
  const done = () => --pending === 0 && process.exit(code);
  process.stdout.write('', done);
  process.stderr.write('', done);
}
