// vitest globalSetup: one Prism mock per bundled spec for the whole run, their URLs handed to the
// tests with `inject('mockUrls')`, all stopped (and checked gone) at the end, pass or fail. On
// Ctrl-C vitest exits without calling teardown; the mocks are then killed on the way out (the exit
// hook in prism-process.ts), and each would end itself anyway once this process is gone.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { discoverSpecs, startMocks } from './index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mockUrls: Record<string, string>;
  }
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const specs = await discoverSpecs(repoRoot);
  const mocks = await startMocks(specs);
  const processes = new Set(Object.values(mocks.mocks).map((mock) => mock.pid)).size;
  process.stdout.write(
    `prism mocks: ${processes} Prism processes for ${specs.length} specs, up in ${mocks.startupMs} ms\n`,
  );
  project.provide('mockUrls', Object.fromEntries(Object.values(mocks.mocks).map((mock) => [mock.name, mock.url])));
  return () => mocks.stop();
}
