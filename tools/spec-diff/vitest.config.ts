import { defineConfig } from 'vitest/config';

// The end-to-end test bundles, regenerates and spawns the CLI: seconds each on a loaded 2-core machine.
export default defineConfig({ test: { testTimeout: 120_000, hookTimeout: 120_000 } });
