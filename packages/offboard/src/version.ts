// The tool's own name and version (from its package.json), for plans, journals and --version.
import { createRequire } from 'node:module';

const manifest = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

export const TOOL: { readonly name: string; readonly version: string } = Object.freeze({
  name: manifest.name,
  version: manifest.version,
});
