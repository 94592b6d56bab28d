import { defineConfig } from 'vitest/config';

// The property test sends a few hundred loopback requests: slow on a loaded 2-core machine.
export default defineConfig({ test: { testTimeout: 60_000 } });
