import type { Budget, HardwareSpec, Objective } from './types';
import type { RoleName } from './roles';

/** A plugin as recorded in a resolved config: enough to load the same plugin again (resume, workers). */
export interface ResolvedPlugin {
  name: string;
  version: string;
  /** What to require() to load it again: a package name or an absolute path. */
  module: string;
  role?: RoleName;
  options: Record<string, unknown>;
}

/** The fully resolved configuration saved with every run. */
export interface ResolvedConfig {
  coexVersion: string;
  preset?: string;
  seed: number;
  budget: Budget;
  spec: HardwareSpec;
  objectives: Objective[];
  plugins: ResolvedPlugin[];
}
