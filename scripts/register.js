// Test-time loader: compile TypeScript on the fly. Workspace packages resolve to their src/ through
// the "coex-source" export condition (mocha passes --conditions=coex-source to Node; worker threads
// inherit it through execArgv and load this file again through COEX_REGISTER).
const path = require('node:path');
process.env.COEX_REGISTER = __filename;
require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
