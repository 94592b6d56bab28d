// Lints what ships: each api is bundled with its decorators first, then the bundle is linted with
// the ruleset of redocly.yaml. `redocly lint` on the source would check the vendor text before
// our named fixes apply, which is the wrong artefact.
import path from 'node:path';
import {
  BaseResolver,
  formatProblems,
  getTotals,
  lintDocument,
  type NormalizedProblem,
  Source,
} from '@redocly/openapi-core';
import { type ApiEntry, bundleApi, type Workspace } from './apis.js';
import { serializeSpec } from './serialize.js';

export interface LintReport {
  readonly api: ApiEntry;
  readonly problems: readonly NormalizedProblem[];
  readonly errors: number;
  readonly warnings: number;
}

export async function lintApi(workspace: Workspace, api: ApiEntry): Promise<LintReport> {
  const bundled = await bundleApi(workspace, api);
  const config = workspace.config.forAlias(api.name);
  // The bundle as it ships (its text, for code frames), linted as the parsed object it already is:
  // no second parse. A name beside the root document, so messages make sense.
  const source = new Source(
    path.join(path.dirname(api.root), `${api.name}.bundled.json`),
    serializeSpec(bundled.document),
    'application/json',
  );
  const lintProblems = await lintDocument({
    document: { source, parsed: bundled.document },
    config,
    externalRefResolver: new BaseResolver(config.resolve),
  });
  const problems = [...bundled.problems, ...lintProblems];
  const totals = getTotals(problems);
  return { api, problems, errors: totals.errors, warnings: totals.warnings };
}

/** Lints every api; returns true when all are clean (no error and no warning). */
export async function lintApis(
  workspace: Workspace,
  apis: readonly ApiEntry[],
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<boolean> {
  const reports = await Promise.all(apis.map((api) => lintApi(workspace, api)));
  let clean = true;
  for (const report of reports) {
    if (report.problems.length > 0) {
      clean = false;
      formatProblems([...report.problems], {
        format: 'codeframe',
        totals: getTotals([...report.problems]),
        cwd: workspace.rootDir,
        color: false,
      });
    }
    log(`${report.api.name}: ${report.errors} errors, ${report.warnings} warnings`);
  }
  return clean;
}
