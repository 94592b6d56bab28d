// A throwaway copy of what specs:diff and specs:update read and write — redocly.yaml, LICENSE,
// specs/, the generated packages (sources, no node_modules or dist) and .changeset/config.json —
// for tests that apply candidates without touching the repository.
import { copyRepository, type TempDir } from '@offboard/test-utils';

/** Relative to the repository root. */
export const SPEC_WORKSPACE_PATHS = ['redocly.yaml', 'LICENSE', 'specs', 'packages', '.changeset/config.json'] as const;

export function copySpecWorkspace(): Promise<TempDir> {
  return copyRepository({ paths: SPEC_WORKSPACE_PATHS, prefix: 'spec-workspace' });
}
