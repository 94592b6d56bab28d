// A throwaway copy of the repository's specs and redocly.yaml, to break or regenerate safely.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export async function copyWorkspace(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'offboard-codegen-'));
  await cp(path.join(repoRoot, 'specs'), path.join(dir, 'specs'), { recursive: true });
  await cp(path.join(repoRoot, 'redocly.yaml'), path.join(dir, 'redocly.yaml'));
  await cp(path.join(repoRoot, 'LICENSE'), path.join(dir, 'LICENSE'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
