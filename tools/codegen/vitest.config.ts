import { defineConfig } from 'vitest/config';

// Bundling and linting five specs takes seconds on a loaded 2-core machine.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
