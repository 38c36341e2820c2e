// The running core's version, read from its package.json (works from src/ and dist/).
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const CORE_VERSION: string = require('../package.json').version;
/** Version of the store schema this core writes; see docs/architecture.md for the upgrade rule. */
export const STORE_SCHEMA_VERSION = 2;
