// `--verbose` (or OFFBOARD_LOG=debug): the runtime's debug lines on stderr, one per HTTP attempt
// (`GET /iam/users?limit=100&offset=0 200 12ms request-id=abc`, see @offboard/runtime's README).
// The runtime has redacted each line already; what a provider controls in it (a request id, an
// echoed path) still reaches the terminal only with its control characters escaped.
import type { Logger } from '@offboard/runtime';
import { printable } from './format.js';

/** A runtime logger writing each debug message as one `offboard: debug: <message>` line. */
export function debugLogger(stderr: { write(text: string): unknown }): Logger {
  return {
    debug(message: string): void {
      stderr.write(`offboard: debug: ${printable(message)}\n`);
    },
  };
}

/** Debug lines are on with `--verbose`, or with OFFBOARD_LOG=debug (any case, spaces around ignored). */
export function debugEnabled(env: Readonly<Record<string, string | undefined>>, verbose: boolean): boolean {
  return verbose || env.OFFBOARD_LOG?.trim().toLowerCase() === 'debug';
}
