// The one list of APIs is redocly.yaml: every `apis:` entry names a root document and, in its
// `x-offboard` block, the client package generated from it. Adding a provider is a spec plus an
// entry there; nothing in this tool names a provider.
import path from 'node:path';
import { bundle, type Config, loadConfig } from '@redocly/openapi-core';

export interface ClientSettings {
  /** Directory of the generated package, relative to the repository root. */
  readonly output: string;
  /** npm name of the generated package. */
  readonly package: string;
  /** Environment variable that overrides the base URL. */
  readonly baseUrlEnv?: string;
  /** Per security scheme: the client option that carries its credential and the environment variable behind it. */
  readonly credentials?: Readonly<Record<string, { readonly option: string; readonly env?: string }>>;
  /** Prefix written before an apiKey credential, e.g. `APIKey` for `Authorization: APIKey <key>`. */
  readonly apiKeyPrefix?: string;
  /** Markdown added to the generated README (provider specifics a user should know). */
  readonly notes?: string;
  /**
   * A hand-written module of the package, under src/lib/ (e.g. `src/lib/domains.ts`), whose
   * `clientHooks` the generated createClient passes to the runtime (see client-shell.ts).
   */
  readonly hooks?: string;
}

/** Where hand-written extras live: the generator reads names there and never writes there. */
export const LIB_DIR = 'src/lib';

function checkClientSettings(name: string, client: ClientSettings | undefined): ClientSettings {
  if (!client?.output || !client.package) {
    throw new Error(`redocly.yaml: apis.${name} needs an x-offboard block with "output" and "package"`);
  }
  if (client.hooks !== undefined && !/^src\/lib\/[\w-]+(\/[\w-]+)*\.ts$/.test(client.hooks)) {
    throw new Error(
      `redocly.yaml: apis.${name}.x-offboard.hooks must name a .ts file under ${LIB_DIR}/ (got ${client.hooks})`,
    );
  }
  return client;
}

export interface ApiEntry {
  readonly name: string;
  /** Absolute path of the root document. */
  readonly root: string;
  readonly client: ClientSettings;
}

export interface Workspace {
  readonly rootDir: string;
  readonly config: Config;
  readonly apis: readonly ApiEntry[];
}

export async function loadWorkspace(configPath: string): Promise<Workspace> {
  const absoluteConfig = path.resolve(configPath);
  const rootDir = path.dirname(absoluteConfig);
  const config = await loadConfig({ configPath: absoluteConfig });
  const entries = config.resolvedConfig.apis ?? {};
  const apis = Object.entries(entries)
    .map(([name, entry]) => {
      const client = checkClientSettings(
        name,
        (entry as Record<string, unknown>)['x-offboard'] as ClientSettings | undefined,
      );
      return { name, root: path.resolve(rootDir, entry.root), client };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { rootDir, config, apis };
}

export function selectApis(workspace: Workspace, names: readonly string[]): readonly ApiEntry[] {
  if (names.length === 0) return workspace.apis;
  return names.map((name) => {
    const api = workspace.apis.find((candidate) => candidate.name === name);
    if (!api) {
      const known = workspace.apis.map((candidate) => candidate.name).join(', ');
      throw new Error(`unknown api "${name}" (redocly.yaml lists: ${known})`);
    }
    return api;
  });
}

export interface BundledApi {
  readonly api: ApiEntry;
  /** The bundled document with every decorator of the api applied. */
  readonly document: Record<string, unknown>;
  readonly problems: Awaited<ReturnType<typeof bundle>>['problems'];
}

/** Bundles one api exactly as it ships: refs joined, the api's decorators applied. */
export async function bundleApi(workspace: Workspace, api: ApiEntry): Promise<BundledApi> {
  const result = await bundle({
    ref: api.root,
    config: workspace.config.forAlias(api.name),
    // Keep components nothing seems to use: some public specs (GitHub's) point at them with a
    // `$ref` inside an example value, which Redocly does not count as a use but openapi-typescript
    // resolves. Our own specs have none (no-unused-components is on).
    removeUnusedComponents: false,
  });
  return {
    api,
    document: result.bundle.parsed as Record<string, unknown>,
    problems: result.problems,
  };
}
