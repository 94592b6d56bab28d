// Cuts our vendor fragment out of a provider's whole published spec, the way the provider's docs
// page cut the fragment we vendored: the same operations (those the current vendor file has),
// every component they use, transitively, and the document's top level (`openapi`, `info`,
// `servers`, `security`, `tags`, ...). A component another file defines (nscale's specs `$ref`
// a shared `common.spec.yaml` by URL) is fetched and put under `#/components/<type>/<name>`,
// which is where the published fragment has it.
import type { Loader, SpecDocument } from './download.js';

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const COMPONENT_REF = /^#\/components\/([^/]+)\/([^/]+)$/;

export async function extractFragment(
  upstream: SpecDocument,
  upstreamUrl: string,
  current: SpecDocument,
  load: Loader,
): Promise<SpecDocument> {
  const upstreamPaths = isNode(upstream.paths) ? upstream.paths : {};
  const top = Object.fromEntries(
    Object.entries(upstream).filter(([key]) => !['paths', 'components', 'webhooks'].includes(key)),
  );
  const fragment: Node = { ...structuredClone(top), paths: {} };
  const components: Record<string, Node> = {};
  const origins = new Map<string, string>(); // `type/name` → URL of the document it came from

  /** Copies `value`, pointing every `$ref` at our components and copying what they name. */
  async function adopt(value: unknown, baseUrl: string, document: SpecDocument): Promise<unknown> {
    if (Array.isArray(value)) return Promise.all(value.map((item) => adopt(item, baseUrl, document)));
    if (!isNode(value)) return value;
    const copy: Node = {};
    for (const [key, child] of Object.entries(value)) {
      copy[key] =
        key === '$ref' && typeof child === 'string'
          ? await component(child, baseUrl, document)
          : await adopt(child, baseUrl, document);
    }
    return copy;
  }

  async function component(ref: string, baseUrl: string, document: SpecDocument): Promise<string> {
    const [file = '', pointer = ''] = ref.split('#');
    const url = file ? new URL(file, baseUrl).href : baseUrl;
    const match = COMPONENT_REF.exec(`#${pointer}`);
    if (!match)
      throw new Error(`${upstreamUrl}: cannot map $ref "${ref}" (only #/components/<type>/<name> is supported)`);
    const [, type, name] = match as unknown as [string, string, string];
    const key = `${type}/${name}`;
    const local = `#/components/${type}/${name}`;
    const seen = origins.get(key);
    if (seen === url) return local;
    if (seen !== undefined) throw new Error(`${upstreamUrl}: component ${key} is defined by both ${seen} and ${url}`);
    origins.set(key, url);
    const source = url === baseUrl ? document : await load(url);
    components[type] ??= {};
    const target = components[type];
    target[name] = null; // reserves the name, so a cycle back to it ends here
    const value = (source.components as Node | undefined)?.[type];
    if (!isNode(value) || !(name in value)) throw new Error(`${url} has no ${local}`);
    target[name] = await adopt(value[name], url, source);
    return local;
  }

  const securityNames = new Set<string>();
  const collectSecurity = (security: unknown) => {
    if (Array.isArray(security))
      for (const requirement of security)
        if (isNode(requirement)) for (const name of Object.keys(requirement)) securityNames.add(name);
  };
  collectSecurity(top.security);

  const paths = fragment.paths as Node;
  for (const [path, currentItem] of Object.entries((current.paths ?? {}) as Node)) {
    const item = upstreamPaths[path];
    if (!isNode(item) || !isNode(currentItem))
      throw new Error(`${upstreamUrl} has no path ${path}: specs/<api>/openapi.yaml needs a hand update`);
    const kept: Node = {};
    for (const [key, value] of Object.entries(item)) {
      if (METHODS.has(key) && !(key in currentItem)) continue;
      kept[key] = value;
    }
    for (const method of Object.keys(currentItem).filter((key) => METHODS.has(key))) {
      if (!isNode(item[method]))
        throw new Error(
          `${upstreamUrl} has no ${method.toUpperCase()} ${path}: specs/<api>/openapi.yaml needs a hand update`,
        );
      collectSecurity(item[method].security);
    }
    paths[path] = await adopt(kept, upstreamUrl, upstream);
  }
  for (const name of [...securityNames].sort())
    await component(`#/components/securitySchemes/${name}`, upstreamUrl, upstream);

  // Components in a stable order, by type then name (as the vendored fragments have them).
  const types = Object.keys(components).sort();
  if (types.length > 0) {
    fragment.components = Object.fromEntries(
      types.map((type) => [
        type,
        Object.fromEntries(
          Object.keys(components[type]!)
            .sort()
            .map((name) => [name, components[type]![name]]),
        ),
      ]),
    );
  }
  return fragment;
}
