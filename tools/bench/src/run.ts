// `pnpm bench`: every figure measured side by side in one run, printed as one Markdown table.
// Figures, not pass/fail: nothing here fails on a number. `--quick` runs tiny sizes (a smoke test).
import { parseArgs } from 'node:util';
import { benchBatch } from './batch.js';
import { benchClient } from './client.js';
import { benchCodegen, benchScale } from './codegen.js';
import { benchDiscovery, type DiscoveryCost, type Provider } from './discovery.js';
import { format } from './measure.js';
import { benchPlan } from './plan.js';
import { benchSize } from './size.js';

type Row = readonly [benchmark: string, ours: string, anchor: string, ratio: string, goal: string];

export async function runBench({
  quick = false,
  log = (line: string): unknown => process.stderr.write(`${line}\n`),
}: {
  quick?: boolean;
  log?: (line: string) => unknown;
} = {}): Promise<string> {
  const rows: Row[] = [];
  const started = Date.now();

  log('codegen…');
  const codegen = await benchCodegen(quick ? 1 : 5);
  rows.push([
    `codegen: \`pnpm generate\`'s generator, 5 specs (median of ${codegen.runs})`,
    format.seconds(codegen.ours),
    `openapi-typescript CLI, same bundled specs: ${format.seconds(codegen.raw)}`,
    format.ratio(codegen.ours.median / codegen.raw.median),
    '≤ 1.05',
  ]);

  log('scale…');
  const sizes = quick ? [20, 40] : [100, 1000, 5000];
  const scale = await benchScale(sizes, !quick);
  // Linear cost shows as a flat marginal cost per operation between consecutive sizes.
  const synthetic = scale.filter((point) => !point.raw);
  for (const [index, point] of scale.entries()) {
    const previous = point.raw ? undefined : synthetic[synthetic.indexOf(point) - 1];
    const marginal = previous
      ? ((point.ours.seconds - previous.ours.seconds) * 1000) / (point.operations - previous.operations)
      : undefined;
    const anchors = [
      point.raw ? `openapi-typescript ${point.raw.seconds.toFixed(2)} s, ${format.mb(point.raw.peakMb)}` : '',
      point.heyApi ? `@hey-api/openapi-ts ${point.heyApi.seconds.toFixed(2)} s, ${format.mb(point.heyApi.peakMb)}` : '',
    ].filter(Boolean);
    rows.push([
      `scale: ${point.label}`,
      `${point.ours.seconds.toFixed(2)} s, ${format.mb(point.ours.peakMb)} peak RSS`,
      anchors.join('; ') ||
        (previous
          ? `${previous.operations} → ${point.operations} operations: ${marginal!.toFixed(2)} ms per added operation`
          : 'fixed start-up cost dominates'),
      point.raw ? format.ratio(point.ours.seconds / point.raw.seconds) : '',
      point.raw ? 'beside the anchors' : index === 0 ? '' : 'flat ms per added operation (linear)',
    ]);
  }

  log('client overhead…');
  const client = await benchClient(quick ? { seconds: 0.3, rounds: 1 } : {});
  rows.push([
    `client overhead: generated client, concurrency ${client.concurrency} (median of rounds)`,
    `${client.client.median.toFixed(0)} req/s (${client.client.min.toFixed(0)}–${client.client.max.toFixed(0)})`,
    `openapi-fetch alone, the same call: ${client.openapiFetch.median.toFixed(0)} req/s (${client.openapiFetch.min.toFixed(0)}–${client.openapiFetch.max.toFixed(0)})`,
    format.ratio(client.client.median / client.openapiFetch.median),
    '≥ 0.95',
  ]);
  rows.push([
    'client overhead: raw fetch, the same URL (what openapi-fetch itself costs)',
    `${client.raw.median.toFixed(0)} req/s (${client.raw.min.toFixed(0)}–${client.raw.max.toFixed(0)})`,
    `ours ÷ raw fetch: ${format.ratio(client.client.median / client.raw.median)}`,
    `openapi-fetch ÷ raw fetch: ${format.ratio(client.openapiFetch.median / client.raw.median)}`,
    '',
  ]);

  log('batch throughput…');
  const runs = quick
    ? [{ targets: 200, rate: 200, paced: true }]
    : [
        { targets: 10_000, rate: 1000, paced: true },
        { targets: 10_000, rate: 1000, paced: false },
      ];
  for (const run of runs) {
    const batch = await benchBatch(run);
    rows.push([
      `batch: ${batch.targets} targets, R = ${batch.rate} req/s, ${batch.label}`,
      `${batch.achieved.toFixed(0)} req/s, ${format.mb(batch.peakMb)} peak RSS, ${batch.seconds.toFixed(1)} s; outcomes ${JSON.stringify(batch.outcomes)}; ${batch.processed} deletes processed, ${batch.processedTwice} twice, ${batch.verified} verified by a read; ${batch.limited} answered 429`,
      `R = ${batch.rate} req/s`,
      format.ratio(batch.achieved / batch.rate),
      '≥ 0.90, ≤ 150 MB, each delete once',
    ]);
  }

  log('discovery…');
  const discovery = await benchDiscovery(quick ? { people: 20, present: 10, users: 2500, sample: 4 } : {});
  const { people, present, users, concurrency, costs } = discovery;
  const sum = (of: (cost: DiscoveryCost) => number) => costs.reduce((total, cost) => total + of(cost), 0);
  const requests = (cost: DiscoveryCost) => cost.directory + cost.lookups;
  const perPersonSeconds = sum((cost) => cost.perPerson.seconds);
  rows.push([
    `discovery: wall time, ${people} people (${present} in each directory) × ${costs.length} accounts of ${users} users, concurrency ${concurrency}`,
    [
      `${discovery.seconds.toFixed(2)} s, ${format.mb(discovery.peakMb)} peak RSS (${format.mb(discovery.optimizedForSize.peakMb)} under the CLI's --optimize-for-size)`,
      `${sum(requests)} requests, ${format.bytes(sum((cost) => cost.bytes))} read`,
      `${discovery.found} of ${present * costs.length} present found with their one id, ${discovery.wrong} wrong, ${discovery.errors} errors`,
      ...(discovery.unexpected.length > 0 ? [`${discovery.unexpected.length} unexpected requests`] : []),
    ].join('; '),
    `asked per person, ${concurrency} at a time, the providers one after another: ${sum((cost) => cost.perPerson.requests)} requests, ${format.bytes(sum((cost) => cost.perPerson.bytes))} read, ~${format.duration(perPersonSeconds)} (Cloudflare run for every person, the others for ${discovery.sample} people and extrapolated)`,
    format.fraction(discovery.seconds / perPersonSeconds),
    'each present person found with their one id, no absent one',
  ]);
  const pages = Math.ceil(users / 1000);
  const goals: Record<Provider, string> = {
    gcore: `directory read once: ⌈${users} / 1000⌉ = ${pages} pages`,
    cloudflare: `the fewer of ${pages} pages and 1 page + ${people} look-ups`,
    nscale: 'user list read once',
    liveperson: 'user list read once',
  };
  for (const cost of costs) {
    const { perPerson } = cost;
    const parts: [number, string][] = [
      [cost.directory, cost.kinds.directory],
      [cost.lookups, cost.kinds.perPerson],
    ];
    rows.push([
      `discovery, ${cost.provider}: requests`,
      `${parts
        .filter(([count]) => count > 0)
        .map(([count, kind]) => `${count} ${kind}${count === 1 ? '' : 's'}`)
        .join(' + ')}, ${format.bytes(cost.bytes)} read`,
      `per person: ${perPerson.requests} requests (${perPerson.requests / people} a person), ${format.bytes(perPerson.bytes)} read, ${
        perPerson.asked === people
          ? `${format.duration(perPerson.seconds)} measured`
          : `~${format.duration(perPerson.seconds)} (${perPerson.asked} people run)`
      }${perPerson.wrong > 0 ? `, ${perPerson.wrong} wrong` : ''}`,
      format.fraction(requests(cost) / perPerson.requests),
      goals[cost.provider],
    ]);
  }

  log('saved plan…');
  const saved = await benchPlan(quick ? { targets: 200, rounds: 1 } : {});
  rows.push([
    `saved plan: ${saved.targets} targets (${format.bytes(saved.bytes)}), median of rounds`,
    `make (checksum) ${format.ms(saved.make)}, write ${format.ms(saved.write)}, read and verify ${format.ms(saved.read)}`,
    `JSON.stringify ${format.ms(saved.stringify)}, JSON.parse ${format.ms(saved.parse)} of the same document`,
    format.ratio(saved.read / saved.parse),
    'linear in the plan; nothing refused that is valid',
  ]);

  log('size…');
  for (const size of await benchSize()) {
    rows.push([
      `size: ${size.label}`,
      size.gzipped ? `${format.kb(size.gzipped)} min+gz (${format.kb(size.minified)} min)` : '—',
      '',
      '',
      size.label.includes('own code') && size.label.startsWith('@offboard/') && !size.label.includes('runtime')
        ? '≤ 2 kB'
        : '',
    ]);
  }

  const table = [
    '| benchmark | ours | anchor | ratio | goal |',
    '|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    `Node ${process.version}, ${new Date().toISOString()}, ${((Date.now() - started) / 1000).toFixed(0)} s in all.`,
  ].join('\n');
  return `${table}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  process.stdout.write(await runBench({ quick: values.quick }));
}
