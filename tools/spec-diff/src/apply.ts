// What a candidate spec replaces, how it is compared, and what --write does.
//
// - A spec folder with a `vendor/` file (Gcore, nscale) is vendor text joined by our root
//   document and fixed by decorators: the candidate is a new version of that one vendor file, a
//   file drop-in.
// - A spec folder without `vendor/` is hand-written (Cloudflare, LivePerson): the candidate
//   replaces the root `openapi.yaml`, and only when it is one self-contained file (no `$ref` to
//   another file): a bundled spec. Files the old root used are then reported, not deleted.
//
// Either way the comparison is between the bundled, decorated specs before and after (what the
// clients are generated from); the "after" bundle is made in a temporary copy, so nothing in
// the repository changes unless --write is given.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type ApiEntry, bundleApi, loadWorkspace, selectApis, type Workspace } from '@offboard/codegen/apis';
import { generateApis } from '@offboard/codegen/generate';
import { serializeSpec } from '@offboard/codegen/serialize';
import { copyRepository } from '@offboard/test-utils';
import { parse } from 'yaml';
import { renderChangeset } from './changeset.js';
import { compareSpecs } from './compare.js';
import type { Change } from './rules.js';

export interface Target {
  readonly kind: 'vendor' | 'hand-written';
  /** Absolute path of the file the candidate replaces. */
  readonly file: string;
}

export interface Diff {
  readonly workspace: Workspace;
  readonly api: ApiEntry;
  readonly target: Target;
  readonly candidate: string;
  /** The bundled spec after the change, serialised as the package ships it. */
  readonly bundled: string;
  readonly changes: readonly Change[];
}

const SPEC_FILE = /\.(ya?ml|json)$/;

export async function findTarget(api: ApiEntry): Promise<Target> {
  const vendorDir = path.join(path.dirname(api.root), 'vendor');
  const vendorFiles = (await readdir(vendorDir).catch(() => [] as string[])).filter((name) => SPEC_FILE.test(name));
  if (vendorFiles.length > 1)
    throw new Error(`${api.name}: ${vendorDir} holds ${vendorFiles.length} spec files; specs:diff replaces one`);
  const [vendorFile] = vendorFiles;
  return vendorFile
    ? { kind: 'vendor', file: path.join(vendorDir, vendorFile) }
    : { kind: 'hand-written', file: api.root };
}

function externalRefs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) externalRefs(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) found.push(value);
      else externalRefs(value, found);
    }
  }
  return found;
}

function checkCandidate(api: ApiEntry, target: Target, text: string): void {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new Error(`the candidate is not YAML or JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!document || typeof document !== 'object' || !('openapi' in document))
    throw new Error('the candidate is not an OpenAPI document (no `openapi` field)');
  const refs = externalRefs(document);
  if (target.kind === 'hand-written' && refs.length > 0) {
    throw new Error(
      `${api.name} is hand-written: the candidate must be one self-contained file, but it refers to ${refs[0]}`,
    );
  }
}

async function bundleOrThrow(workspace: Workspace, api: ApiEntry, what: string): Promise<Record<string, unknown>> {
  const { document, problems } = await bundleApi(workspace, api);
  const errors = problems.filter((problem) => problem.severity === 'error');
  if (errors.length > 0)
    throw new Error(`${what} does not bundle: ${errors.map((problem) => problem.message).join('; ')}`);
  return document;
}

/** Compares the api's bundled spec with the one the candidate would give. Writes nothing. */
export async function diffCandidate(rootDir: string, apiName: string, candidateFile: string): Promise<Diff> {
  const workspace = await loadWorkspace(path.join(rootDir, 'redocly.yaml'));
  const [api] = selectApis(workspace, [apiName]);
  if (!api) throw new Error(`unknown api "${apiName}"`);
  const target = await findTarget(api);
  const candidate = await readFile(candidateFile, 'utf8');
  checkCandidate(api, target, candidate);
  const before = await bundleOrThrow(workspace, api, `${api.name} as it is`);

  const copy = await copyRepository({ from: rootDir, paths: ['specs', 'redocly.yaml'], skip: [], prefix: 'spec-diff' });
  try {
    await writeFile(path.join(copy.dir, path.relative(rootDir, target.file)), candidate);
    const candidateWorkspace = await loadWorkspace(path.join(copy.dir, 'redocly.yaml'));
    const [candidateApi] = selectApis(candidateWorkspace, [apiName]);
    const after = await bundleOrThrow(candidateWorkspace, candidateApi!, `${api.name} with the candidate`);
    return { workspace, api, target, candidate, bundled: serializeSpec(after), changes: compareSpecs(before, after) };
  } finally {
    await copy.remove();
  }
}

/**
 * --write: puts the candidate in place, regenerates the api's package and writes its changeset.
 * Returns the files written (relative to the root). A second run with the same candidate finds
 * nothing to change and writes nothing.
 */
export async function applyDiff(diff: Diff, log: (line: string) => void): Promise<string[]> {
  const { workspace, api, target } = diff;
  const rootDir = workspace.rootDir;
  const written: string[] = [];
  if ((await readFile(target.file, 'utf8')) !== diff.candidate) {
    await writeFile(target.file, diff.candidate);
    written.push(path.relative(rootDir, target.file));
    // A hand-written root is now self-contained: its split files are left over.
    if (target.kind === 'hand-written') {
      for (const file of await splitFiles(path.dirname(target.file)))
        log(`no longer referenced (delete it): ${path.relative(rootDir, file)}`);
    }
  }
  const changeset = renderChangeset({ name: api.name, package: api.client.package }, diff.changes, diff.bundled);
  if (!changeset) return written;

  const fresh = await loadWorkspace(path.join(rootDir, 'redocly.yaml'));
  const generated = await generateApis(fresh, selectApis(fresh, [api.name]), { check: false, log: () => undefined });
  written.push(...generated.written.map((file) => path.relative(rootDir, file)));
  for (const file of generated.stale) log(`leftover (delete it): ${path.relative(rootDir, file)}`);

  const changesetFile = path.join(rootDir, '.changeset', changeset.name);
  if ((await readFile(changesetFile, 'utf8').catch(() => undefined)) !== changeset.content) {
    await writeFile(changesetFile, changeset.content);
    written.push(path.relative(rootDir, changesetFile));
  }
  return written;
}

async function splitFiles(specDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const sub of ['paths', 'components']) {
    for (const name of await readdir(path.join(specDir, sub)).catch(() => [] as string[])) {
      if (SPEC_FILE.test(name)) files.push(path.join(specDir, sub, name));
    }
  }
  return files;
}
