// Test-time loader: compile TypeScript on the fly. Workspace packages resolve to their src/ through
// the "coex-source" export condition (mocha passes --conditions=coex-source to Node; worker threads
// inherit it through execArgv, and load this file from their own entry).
const path = require('node:path');
require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
