'use strict';
// Entry of a training worker thread. Under tests (TypeScript sources) the parent's loader is
// registered first: worker threads inherit --conditions but not --require.
if (process.env.COEX_REGISTER) require(process.env.COEX_REGISTER);
require('@coex/core').startTrainingWorker();
