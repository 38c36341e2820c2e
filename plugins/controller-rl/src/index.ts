// @coex/plugin-controller-rl: the paper's controller. An LSTM policy (TensorFlow.js) emits one token
// per architecture decision, then one per hardware decision, and learns with REINFORCE against a
// moving-average reward baseline. tfjs loads only when the controller role is created.
import { definePlugin } from '@coex/core';
import { PLUGIN_NAME, PLUGIN_VERSION, rlOptionsSchema, type RlOptions, type RlOptionsInput } from './options';

export { PLUGIN_NAME, PLUGIN_VERSION, OPTIMIZERS, rlOptionsSchema } from './options';
export type { OptimizerName, RlOptions, RlOptionsInput } from './options';
export type { RlController, RlControllerSettings, RlControllerState, UpdateStats } from './controller';
export { invertCdf } from './sampling';

/** Loads the controller module (and with it TensorFlow.js) on first use. */
export function loadController(): typeof import('./controller') {
  // A plain require, not an import: `coex show` applies this plugin but must not load tfjs.
  return require('./controller') as typeof import('./controller');
}

const rlPlugin = definePlugin({
  name: PLUGIN_NAME,
  version: PLUGIN_VERSION,
  role: 'controller',
  description: 'LSTM policy (TensorFlow.js) trained with REINFORCE and a moving-average reward baseline',
  options: rlOptionsSchema,
  apply(ctx, options) {
    ctx.provide('controller', () => {
      const { RlController } = loadController();
      return new RlController({ rng: ctx.rng('controller'), seed: ctx.seed, options, log: (message) => ctx.log(message) });
    });
  },
});

export default rlPlugin;

/** Options with defaults filled, validated as the plugin does (a UserError names the option). */
export function resolveRlOptions(input: RlOptionsInput = {}): RlOptions {
  return rlPlugin.parse(input);
}
