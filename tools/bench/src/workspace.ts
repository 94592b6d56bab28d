// Throwaway workspaces for the generators: a redocly.yaml listing specs, each generated into its
// own directory, so our generator runs exactly as `pnpm generate` does, on any input.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '@offboard/test-utils';

export const bin = {
  codegen: path.join(repoRoot, 'tools/codegen/bin/codegen.js'),
  openapiTypescript: path.join(repoRoot, 'node_modules/.bin/openapi-typescript'),
  heyApi: path.join(repoRoot, 'tools/bench/node_modules/.bin/openapi-ts'),
};

/**
 * A workspace for both generators: our redocly.yaml (`x-offboard` outputs) and an
 * openapi-typescript one (`x-openapi-ts` outputs), over the same spec files.
 */
export async function generatorWorkspace(
  dir: string,
  specs: readonly { name: string; file: string }[],
): Promise<{ ours: string; raw: string }> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'LICENSE'), 'MIT\n');
  const ours = [
    'apis:',
    ...specs.flatMap(({ name, file }) => [
      `  ${name}:`,
      `    root: ${file}`,
      '    x-offboard:',
      `      output: out/${name}`,
      `      package: '@bench/${name}'`,
    ]),
  ];
  const raw = [
    'apis:',
    ...specs.flatMap(({ name, file }) => [
      `  ${name}:`,
      `    root: ${file}`,
      '    x-openapi-ts:',
      `      output: ${path.join(dir, 'raw', `${name}.ts`)}`,
    ]),
  ];
  await writeFile(path.join(dir, 'redocly.yaml'), `${ours.join('\n')}\n`);
  await writeFile(path.join(dir, 'raw.redocly.yaml'), `${raw.join('\n')}\n`);
  return { ours: path.join(dir, 'redocly.yaml'), raw: path.join(dir, 'raw.redocly.yaml') };
}
