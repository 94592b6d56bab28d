// Downloads a published spec (YAML or JSON) over HTTP(S), with a time limit.
import { parse } from 'yaml';

export type SpecDocument = Record<string, unknown>;

/** Loads a spec by URL; specs:update passes one that caches, so a shared file is fetched once. */
export type Loader = (url: string) => Promise<SpecDocument>;

export interface DownloadOptions {
  /** Per request, headers and body included. */
  readonly timeoutMs?: number;
}

export async function download(url: string, { timeoutMs = 30_000 }: DownloadOptions = {}): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : String((error as Error).cause ?? error);
    throw new Error(`download ${url}: ${reason}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`download ${url}: HTTP ${response.status} ${response.statusText}`);
  }
  try {
    return await response.text();
  } catch (error) {
    throw new Error(
      `download ${url}: ${error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String(error)}`,
    );
  }
}

/** Parses a downloaded YAML or JSON document (a whole spec, or one whose components it uses). */
export function parseDocument(url: string, text: string): SpecDocument {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new Error(`${url} is not YAML or JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!document || typeof document !== 'object' || Array.isArray(document))
    throw new Error(`${url} is not a YAML or JSON object`);
  return document as SpecDocument;
}

/** A loader that downloads each URL once. */
export function cachedLoader(options: DownloadOptions = {}): Loader {
  const cache = new Map<string, Promise<SpecDocument>>();
  return (url) => {
    let loaded = cache.get(url);
    if (!loaded) {
      loaded = download(url, options).then((text) => parseDocument(url, text));
      cache.set(url, loaded);
    }
    return loaded;
  };
}
