import { defineConfig } from 'vitest/config';

// The release test publishes to a local registry and runs `npm install` from the public one: a
// minute or more on a loaded 2-core machine. Its steps run in order (one file, no concurrency).
export default defineConfig({ test: { testTimeout: 300_000, hookTimeout: 300_000 } });
