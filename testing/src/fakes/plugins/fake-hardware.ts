// Test double for the hardware role as a plugin a run config names by module path: `fakeHardware`
// (throughput falls with MACs, so the spec prunes big nets) with its speed as an option.
import { definePlugin, z } from '@coex/core';
import { fakeHardware } from '../hardware';

export default definePlugin({
  name: 'coex-plugin-fake-hardware',
  version: (require('../../../package.json') as { version: string }).version,
  role: 'hardware',
  options: z.object({ opsPerSecond: z.number().positive().default(1e8) }),
  apply(ctx, options) {
    ctx.provide('hardware', () => fakeHardware({ opsPerSecond: options.opsPerSecond }));
  },
});
