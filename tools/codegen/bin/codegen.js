#!/usr/bin/env node
// Runs the compiled generator (fast: no TypeScript loader in the way), building it first when
// dist/ is missing or older than a source file. `pnpm lint:specs` and `pnpm generate` come here.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist/cli.js');
const newest = (dir) =>
  Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((file) =>
      file.isDirectory() ? newest(path.join(dir, file.name)) : statSync(path.join(dir, file.name)).mtimeMs,
    ),
  );

if (!existsSync(entry) || statSync(entry).mtimeMs < newest(path.join(root, 'src'))) {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
}
await import(entry);
