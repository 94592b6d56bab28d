// `pnpm specs:update`: for every api with a published source, download it, cut our vendor
// fragment out of it, and hand that to specs:diff --write (which regenerates the package and
// writes the changeset). Hand-written specs (source `none`) are skipped.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadWorkspace, selectApis } from '@offboard/codegen/apis';
import {
  applyDiff,
  type ChangeClass,
  diffCandidate,
  findTarget,
  formatReport,
  highestClass,
} from '@offboard/spec-diff';
import { tempDir } from '@offboard/test-utils';
import { parse, stringify } from 'yaml';
import { cachedLoader, type DownloadOptions } from './download.js';
import { extractFragment } from './fragment.js';
import type { Sources } from './sources.js';

export type Outcome =
  | { readonly api: string; readonly status: 'skipped'; readonly reason: string }
  | { readonly api: string; readonly status: 'up to date' }
  | {
      readonly api: string;
      readonly status: 'updated';
      readonly highest: ChangeClass | 'none';
      readonly written: readonly string[];
    }
  | { readonly api: string; readonly status: 'failed'; readonly error: string };

export interface UpdateOptions extends DownloadOptions {
  readonly rootDir: string;
  readonly sources: Sources;
  /** Only these apis (all when empty). */
  readonly apis?: readonly string[];
  readonly log?: (line: string) => void;
}

export async function updateSpecs({
  rootDir,
  sources,
  apis = [],
  log = () => undefined,
  ...download
}: UpdateOptions): Promise<Outcome[]> {
  const workspace = await loadWorkspace(path.join(rootDir, 'redocly.yaml'));
  const unlisted = workspace.apis.filter((api) => !sources.has(api.name)).map((api) => api.name);
  if (unlisted.length > 0)
    throw new Error(`no source listed for ${unlisted.join(', ')} (tools/spec-update/sources.yaml)`);
  const load = cachedLoader(download);
  const outcomes: Outcome[] = [];
  for (const api of selectApis(workspace, apis)) {
    const source = sources.get(api.name)!;
    if (source === 'none') {
      outcomes.push({ api: api.name, status: 'skipped', reason: 'hand-written, no published source' });
      log(`skip ${api.name}: hand-written, no published source`);
      continue;
    }
    const work = await tempDir('spec-update');
    try {
      const target = await findTarget(api);
      if (target.kind !== 'vendor') throw new Error(`${api.name} has a source but no vendor/ file to replace`);
      const current = parse(await readFile(target.file, 'utf8')) as Record<string, unknown>;
      const upstream = await load(source.href);
      if (!('openapi' in upstream)) throw new Error(`${source.href} is not an OpenAPI document`);
      const fragment = await extractFragment(upstream, source.href, current, load);
      const candidate = path.join(work.dir, path.basename(target.file));
      await writeFile(candidate, stringify(fragment, { lineWidth: 100 }));
      const diff = await diffCandidate(rootDir, api.name, candidate);
      const highest = highestClass(diff.changes) ?? 'none';
      for (const line of formatReport(diff)) log(line);
      if (highest === 'none') {
        // Same content: keep the vendor file's bytes (as the provider published them).
        outcomes.push({ api: api.name, status: 'up to date' });
        continue;
      }
      const written = await applyDiff(diff, log);
      for (const file of written) log(`wrote ${file}`);
      outcomes.push({ api: api.name, status: 'updated', highest, written });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`failed ${api.name}: ${message}`);
      outcomes.push({ api: api.name, status: 'failed', error: message });
    } finally {
      await work.remove();
    }
  }
  return outcomes;
}
