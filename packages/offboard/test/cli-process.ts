// The CLI as a real process (bin/offboard.js on the built dist), for what only a process shows:
// signals, kill -9, two processes on one journal.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JournalEntry } from '../src/journal.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/offboard.js');

export interface CliProcess {
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  kill(signal: NodeJS.Signals): void;
}

export function spawnCli(args: readonly string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...env, PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return {
    done: new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))),
    kill: (signal) => child.kill(signal),
  };
}

/** The journal's readable entries (a torn last line is left out). */
export async function journalEntries(file: string): Promise<JournalEntry[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as JournalEntry | null;
        return entry && typeof entry === 'object' ? [entry] : [];
      } catch {
        return [];
      }
    });
}

/** Resolves once `predicate` holds for the journal's entries. */
export async function untilJournal(file: string, predicate: (entries: JournalEntry[]) => boolean): Promise<void> {
  for (;;) {
    if (predicate(await journalEntries(file))) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Writes confirmed (2xx or 404) in the journal: never to be sent again. */
export function confirmedWrites(entries: readonly JournalEntry[]): Extract<JournalEntry, { event: 'step' }>[] {
  return entries.filter(
    (entry): entry is Extract<JournalEntry, { event: 'step' }> =>
      entry.event === 'step' &&
      entry.status !== null &&
      ((entry.status >= 200 && entry.status < 300) || entry.status === 404),
  );
}
