// @coex/testing: test Coex plugins at three levels: a whole pipeline with roles replaced by fakes
// (createTestPipeline), one hook of one plugin (runHook, hookHarness), and fixture folders run by
// one shared runner (loadHookFixtures, runHookFixture).
export { createTestPipeline, type TestPipeline, type TestPipelineOptions, type TestPluginEntry, type TestRunResult } from './pipeline';
export { overrideName, overridePlugin, inlineLoaded, type RoleFactory, type RoleOverrides } from './overrides';
export {
  hookHarness,
  runHook,
  testCandidate,
  type HookArgs,
  type HookCallArgs,
  type HookHarness,
  type HookHarnessOptions,
  type HookResult,
  type PluginUnderTest,
} from './hooks';
export { loadHookFixtures, runHookFixture, type HookFixture } from './fixtures';
export { fakeController, type FakeController, type FakeControllerOptions } from './fakes/controller';
export { fakeSpace, type FakeSpaceOptions } from './fakes/space';
export { fakeHardware, fakeHardwareMetrics, chainCnnMacs, type FakeHardware, type FakeHardwareOptions } from './fakes/hardware';
export { fakeDataset, type FakeDataset, type FakeDatasetOptions } from './fakes/dataset';
export { fakeTrainer, fakeAccuracy, type FakeTrainer, type FakeTrainerOptions } from './fakes/trainer';
export { fakePluginPath, FAKE_PLUGINS, type FakePluginName } from './fakes/fake-plugins';
export { rejectionOf } from './rejection';
export { scratchFolder, type ScratchFolder } from './scratch';
export { NB201_SAMPLE, NB201_FULL, plainCsvRows } from './shared-data';
