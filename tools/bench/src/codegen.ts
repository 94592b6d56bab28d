// 1. Codegen: our generator (what `pnpm generate` runs) over the five specs, beside the raw
// openapi-typescript CLI over the same bundled specs, median of several runs each.
// 2. Scale: our generator on synthetic specs of growing size, and on the largest real public
// spec installable from npm, beside openapi-typescript and @hey-api/openapi-ts.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { copyRepository, repoRoot, tempDir } from '@offboard/test-utils';
import { type Sample, type Summary, summarise, timed } from './measure.js';
import { syntheticSpec } from './synthetic.js';
import { bin, generatorWorkspace } from './workspace.js';

export interface CodegenResult {
  readonly ours: Summary;
  readonly raw: Summary;
  readonly runs: number;
}

// What `pnpm generate` runs (the compiled generator), on the given redocly.yaml.
const ourGenerator = (config: string) => timed(process.execPath, [bin.codegen, 'generate', '--config', config]);
const rawGenerator = (config: string) => timed(bin.openapiTypescript, ['--redocly', config]);

export async function benchCodegen(runs: number): Promise<CodegenResult> {
  const copy = await copyRepository({ paths: ['specs', 'redocly.yaml', 'LICENSE'], prefix: 'bench-codegen' });
  try {
    const packages = (await readdir(path.join(repoRoot, 'packages'))).filter(
      (name) => !['runtime', 'offboard'].includes(name),
    );
    const { raw } = await generatorWorkspace(
      path.join(copy.dir, 'raw-workspace'),
      packages.map((name) => ({ name, file: path.join(repoRoot, 'packages', name, 'openapi.json') })),
    );
    const ours: number[] = [];
    const theirs: number[] = [];
    // Interleaved, so a noisy moment on the machine hits both sides alike.
    for (let run = 0; run < runs; run++) {
      ours.push((await ourGenerator(path.join(copy.dir, 'redocly.yaml'))).seconds);
      theirs.push((await rawGenerator(raw)).seconds);
    }
    return { ours: summarise(ours), raw: summarise(theirs), runs };
  } finally {
    await copy.remove();
  }
}

export interface ScalePoint {
  readonly label: string;
  readonly operations: number;
  readonly ours: Sample;
  readonly raw?: Sample;
  readonly heyApi?: Sample;
}

/** The GitHub REST API description shipped by @octokit/openapi: the largest public spec on npm we found. */
function githubSpec(): string | undefined {
  try {
    const require = createRequire(path.join(repoRoot, 'tools/bench/package.json'));
    return path.join(path.dirname(require.resolve('@octokit/openapi/package.json')), 'generated/api.github.com.json');
  } catch {
    return undefined;
  }
}

export async function benchScale(sizes: readonly number[], withRealSpec: boolean): Promise<ScalePoint[]> {
  const points: ScalePoint[] = [];
  for (const operations of sizes) {
    const { dir, remove } = await tempDir(`bench-scale-${operations}`);
    try {
      const file = path.join(dir, 'spec.json');
      await writeFile(file, JSON.stringify(syntheticSpec(operations)));
      const { ours } = await generatorWorkspace(dir, [{ name: 'synthetic', file }]);
      points.push({ label: `synthetic, ${operations} operations`, operations, ours: await ourGenerator(ours) });
    } finally {
      await remove();
    }
  }
  const github = withRealSpec ? githubSpec() : undefined;
  if (github) {
    const { dir, remove } = await tempDir('bench-github');
    try {
      const { ours, raw } = await generatorWorkspace(dir, [{ name: 'github', file: github }]);
      const { paths } = JSON.parse(await readFile(github, 'utf8')) as { paths: Record<string, object> };
      const operations = Object.values(paths).reduce(
        (count, item) =>
          count +
          Object.keys(item).filter((key) =>
            ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'].includes(key),
          ).length,
        0,
      );
      points.push({
        label: 'GitHub REST API (@octokit/openapi)',
        operations,
        ours: await ourGenerator(ours),
        raw: await rawGenerator(raw),
        heyApi: await timed(bin.heyApi, ['-i', github, '-o', path.join(dir, 'hey-api'), '-c', '@hey-api/client-fetch']),
      });
    } finally {
      await remove();
    }
  }
  return points;
}
