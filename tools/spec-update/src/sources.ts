// The checked-in list of where each api's spec is published (../sources.yaml).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const SOURCES_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../sources.yaml');

/** api name → URL of its published spec, or `none` for a hand-written spec. */
export type Sources = ReadonlyMap<string, URL | 'none'>;

export async function loadSources(file = SOURCES_FILE): Promise<Sources> {
  const raw: unknown = parse(await readFile(file, 'utf8'));
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`${file}: expected a map of api → URL or none`);
  return new Map(
    Object.entries(raw).map(([api, value]): [string, URL | 'none'] => {
      if (value === 'none') return [api, 'none'];
      if (typeof value === 'string' && /^https?:\/\//.test(value)) return [api, new URL(value)];
      throw new Error(`${file}: ${api} must be an http(s) URL or none, not ${JSON.stringify(value)}`);
    }),
  );
}
