// 4. Batch throughput: the offboard CLI applying 10,000 targets against a fake limited to R
// requests per second (429 + Retry-After beyond it): the rate achieved against R (every request
// served: each target's delete and the read that verifies it), the CLI's peak RSS, and whether
// each delete was processed exactly once.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot, tempDir } from '@offboard/test-utils';
import { timed } from './measure.js';
import { startRateLimitedServer } from './servers.js';

const ACCOUNT = '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b';
const offboardBin = path.join(repoRoot, 'packages/offboard/bin/offboard.js');

export interface BatchResult {
  readonly label: string;
  readonly targets: number;
  readonly rate: number;
  readonly achieved: number;
  readonly peakMb: number;
  readonly seconds: number;
  readonly processed: number;
  readonly processedTwice: number;
  /** Verification reads that found the user gone. */
  readonly verified: number;
  readonly limited: number;
  readonly outcomes: Record<string, number>;
}

const uuid = (n: number) => `3f7a2c1e-9b4d-4e6f-8a2b-${n.toString(16).padStart(12, '0')}`;

export async function benchBatch({
  targets = 10_000,
  rate = 1000,
  concurrency = 32,
  paced = true,
} = {}): Promise<BatchResult> {
  const scratch = await tempDir('bench-batch');
  const csv = path.join(scratch.dir, 'batch.csv');
  const server = await startRateLimitedServer(rate);
  try {
    await writeFile(
      csv,
      `provider,account,user\n${Array.from({ length: targets }, (_, n) => `cloudflare,${ACCOUNT},${uuid(n)}`).join('\n')}\n`,
    );
    const args = [
      offboardBin,
      'apply',
      '--batch',
      csv,
      '--concurrency',
      String(concurrency),
      '--json',
      ...(paced ? ['--rate', String(rate)] : []),
    ];
    const sample = await timed(process.execPath, args, {
      env: {
        PATH: process.env.PATH ?? '',
        CLOUDFLARE_API_TOKEN: 'bench-token-123',
        CLOUDFLARE_BASE_URL: server.url,
      },
      // Exit code 1 (some target failed) still leaves a report to read.
      okCodes: [0, 1],
    });
    const stats = (await server.stats()) as {
      processed: number;
      processedTwice: number;
      limited: number;
      served: number;
      reads: number;
      seconds: number;
    };
    const outcomes: Record<string, number> = {};
    for (const result of (JSON.parse(sample.stdout) as { results: { outcome: string }[] }).results)
      outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
    return {
      label: paced ? `paced with --rate ${rate}` : 'unpaced (Retry-After pauses only)',
      targets,
      rate,
      achieved: stats.served / Math.max(stats.seconds, 1e-3),
      peakMb: sample.peakMb,
      seconds: sample.seconds,
      processed: stats.processed,
      processedTwice: stats.processedTwice,
      verified: stats.reads,
      limited: stats.limited,
      outcomes,
    };
  } finally {
    await server.stop();
    await scratch.remove();
  }
}
