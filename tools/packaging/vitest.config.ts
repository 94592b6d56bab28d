import { defineConfig } from 'vitest/config';

// Packing six packages and an `npm install` from the registry take a minute or more on a loaded
// 2-core machine.
export default defineConfig({ test: { testTimeout: 300_000, hookTimeout: 300_000 } });
