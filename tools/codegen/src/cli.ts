// Entry point of `pnpm lint:specs` and `pnpm generate [--check]`.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TypesWorker } from './types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      check: { type: 'boolean', default: false },
      config: { type: 'string', default: path.join(repoRoot, 'redocly.yaml') },
      out: { type: 'string' },
    },
  });
  const [command, ...names] = positionals;
  // Start openapi-typescript's worker before loading the rest (Redocly), so both load at once.
  const worker = command === 'generate' ? new TypesWorker() : undefined;
  const { bundleApi, loadWorkspace, selectApis } = await import('./apis.js');
  const workspace = await loadWorkspace(values.config);
  const apis = selectApis(workspace, names);
  switch (command) {
    case 'lint': {
      const { lintApis } = await import('./lint.js');
      return (await lintApis(workspace, apis)) ? 0 : 1;
    }
    case 'generate': {
      const { generateApis } = await import('./generate.js');
      try {
        return (await generateApis(workspace, apis, { check: values.check, ...(worker ? { worker } : {}) })).ok ? 0 : 1;
      } finally {
        await worker?.close();
      }
    }
    case 'bundle': {
      // Prints (or writes) the bundled, decorated spec of each named api: what ships and what Prism serves.
      for (const api of apis) {
        const { document } = await bundleApi(workspace, api);
        const { serializeSpec } = await import('./serialize.js');
        const text = serializeSpec(document);
        if (values.out) await writeFile(values.out, text);
        else process.stdout.write(text);
      }
      return 0;
    }
    default:
      process.stderr.write('usage: codegen lint [api...] | generate [--check] [api...] | bundle <api> [--out file]\n');
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
