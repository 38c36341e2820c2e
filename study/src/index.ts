// @coex/study: ablation studies (arms x seeds, equal budgets, one store) and `coex ablate`, which
// it contributes to the CLI. Reading a study folder is core's (@coex/core/host).
export * from './study';
export { executeStudy, registerAblate, studyProgress } from './cli/ablate';
