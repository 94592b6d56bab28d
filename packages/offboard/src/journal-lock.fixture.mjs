// A child process for journal-lock.test.ts (run with `node --import tsx`): opens the journal given
// as argv[2] once it reads "go" on stdin, prints one JSON line saying how that went, then holds the
// journal until stdin ends (or it is killed); with argv[3] "no-close" it then exits without
// closing, leaving the release to the journal's exit hook. Not shipped: tsc builds only .ts files.
import { createInterface } from 'node:readline';
import { Journal } from './journal.ts';

const file = process.argv[2];
const say = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const lines = createInterface({ input: process.stdin });
let journal;
say({ ready: true, pid: process.pid });
lines.on('line', async (line) => {
  if (line !== 'go' || journal !== undefined) return;
  journal = null;
  const started = performance.now();
  try {
    journal = await Journal.open(file, { warn: (message) => say({ warning: message }) });
    say({ opened: true, ms: performance.now() - started });
  } catch (error) {
    say({ opened: false, name: error?.name, message: error?.message, ms: performance.now() - started });
  }
});
lines.on('close', () => {
  if (process.argv[3] !== 'no-close') journal?.close();
  process.exit(0);
});
