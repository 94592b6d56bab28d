// The repository's root directory, for tests and tools that read its files (redocly.yaml, specs/,
// packages/). Computed here once: this file lives at tools/test-utils/src/.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
