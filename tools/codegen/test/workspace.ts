// A throwaway copy of the repository's specs, redocly.yaml and LICENSE, to break or regenerate safely.
import { copyRepository, repoRoot, type TempDir } from '@offboard/test-utils';

export { repoRoot };

export function copyWorkspace(): Promise<TempDir> {
  return copyRepository({ paths: ['specs', 'redocly.yaml', 'LICENSE'], prefix: 'codegen' });
}
