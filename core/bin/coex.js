#!/usr/bin/env node
'use strict';
// Resolves through the package's own exports: dist/ normally, src/ under --conditions=coex-source (tests).
require('@coex/core/cli')
  .main(process.argv.slice(2))
  .then(() => process.exit(process.exitCode ?? 0));
