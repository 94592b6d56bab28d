// Small measuring helpers: run a command and read its wall time and peak RSS (GNU time), and
// summarise repeated samples as median and min–max.
import { spawn } from 'node:child_process';

export interface Sample {
  readonly seconds: number;
  /** Peak resident set size of the process, in MB. */
  readonly peakMb: number;
  readonly stdout: string;
}

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function summarise(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

/** Runs `command args` under /usr/bin/time; rejects with its output if it fails. */
export function timed(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; okCodes?: readonly number[] } = {},
): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '__TIME__ %e %M', command, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const match = /__TIME__ ([\d.]+) (\d+)/.exec(stderr);
      const out = Buffer.concat(stdout).toString();
      if (!(options.okCodes ?? [0]).includes(code ?? -1) || !match)
        return reject(
          new Error(`${command} ${args.join(' ')} failed (${String(code)}):\n${(out + stderr).slice(-3000)}`),
        );
      resolve({ seconds: Number(match[1]), peakMb: Number(match[2]) / 1024, stdout: out });
    });
  });
}

export const format = {
  seconds: (summary: Summary) => `${summary.median.toFixed(2)} s (${summary.min.toFixed(2)}–${summary.max.toFixed(2)})`,
  mb: (value: number) => `${value.toFixed(0)} MB`,
  ratio: (value: number) => value.toFixed(2),
  kb: (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`,
  /** A transfer: kB below 1 MB, GB from 1 GB, MB between. */
  bytes: (bytes: number) =>
    bytes >= 1024 ** 3
      ? `${(bytes / 1024 ** 3).toFixed(1)} GB`
      : bytes >= 1024 ** 2
        ? `${(bytes / 1024 ** 2).toFixed(1)} MB`
        : format.kb(bytes),
  /** Seconds to one decimal, whole seconds from 10 s. */
  duration: (seconds: number) => `${seconds >= 10 ? seconds.toFixed(0) : seconds.toFixed(1)} s`,
  /** Seconds as whole milliseconds. */
  ms: (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`,
  /** A ratio far below 1 keeps two significant digits (0.0010, not 0.00). */
  fraction: (value: number) => (value >= 0.1 ? value.toFixed(2) : value.toPrecision(2)),
};
