// The plugin: validates the options once and fills the `hardware` role with a SystolicArrayModel.
import { definePlugin } from '@coex/core';
import { SystolicArrayModel } from './model';
import { optionsSchema, resolveSettings } from './options';

export const PLUGIN_NAME = '@coex/plugin-hw-systolic-array';

const { version } = require('../package.json') as { version: string };

export const systolicArrayPlugin = definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'hardware',
  description: 'Systolic array (OS/WS/IS dataflows) with SCALE-Sim v2 cycle counts, SRAM/DRAM traffic, energy and a tuner',
  options: optionsSchema,
  apply(ctx, options) {
    ctx.provide('hardware', () => new SystolicArrayModel(resolveSettings(options)));
  },
});

/** A model from raw options, validated as the plugin does (errors name `hardware.<option>`). */
export function createSystolicArrayModel(options: unknown = {}): SystolicArrayModel {
  return new SystolicArrayModel(resolveSettings(systolicArrayPlugin.parse(options)));
}
