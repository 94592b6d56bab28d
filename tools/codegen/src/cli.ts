// Entry point of `pnpm lint:specs` and `pnpm generate [--check]`.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import { bundleApi, loadWorkspace, selectApis } from './apis.js';
import { serializeSpec } from './serialize.js';
import { lintApis } from './lint.js';
import { generateApis } from './generate.js';

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
  const workspace = await loadWorkspace(values.config);
  const apis = selectApis(workspace, names);
  switch (command) {
    case 'lint':
      return (await lintApis(workspace, apis)) ? 0 : 1;
    case 'generate': {
      const result = await generateApis(workspace, apis, { check: values.check });
      return result.ok ? 0 : 1;
    }
    case 'bundle': {
      // Prints (or writes) the bundled, decorated spec of each named api: what ships and what Prism serves.
      for (const api of apis) {
        const { document } = await bundleApi(workspace, api);
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
