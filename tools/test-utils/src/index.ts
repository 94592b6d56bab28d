export { type LoopbackHandler, type LoopbackServer, readBody, startLoopbackServer } from './loopback.js';
export { binFiles, type Manifest, type Publishable, publishablePackages, readManifest } from './packages.js';
export * as answers from './provider-answers.js';
export { repoRoot } from './repo-root.js';
export {
  type CopyOptions,
  changedFiles,
  copyRepository,
  DEFAULT_SKIP,
  snapshot,
  type TempDir,
  tempDir,
} from './temp-copy.js';
