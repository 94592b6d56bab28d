import { describe, expect, it } from 'vitest';
import { debugEnabled, debugLogger } from './debug-log.js';

function capture() {
  const chunks: string[] = [];
  return { chunks, stderr: { write: (text: string) => chunks.push(text) } };
}

describe('debugLogger', () => {
  it('writes each message as one offboard: debug: line', () => {
    const { chunks, stderr } = capture();
    const logger = debugLogger(stderr);
    logger.debug?.('GET /iam/users?limit=100&offset=0 200 12ms request-id=abc');
    logger.debug?.('DELETE /iam/users/7 404 3ms');
    expect(chunks).toEqual([
      'offboard: debug: GET /iam/users?limit=100&offset=0 200 12ms request-id=abc\n',
      'offboard: debug: DELETE /iam/users/7 404 3ms\n',
    ]);
    expect(logger.warn).toBeUndefined();
  });

  it('escapes control characters, so a message stays one line and cannot drive the terminal', () => {
    const { chunks, stderr } = capture();
    debugLogger(stderr).debug?.('GET /x 200 1ms request-id=a\u001b[2J\r\nb\u009b31m\u202e');
    expect(chunks).toEqual(['offboard: debug: GET /x 200 1ms request-id=a\\u001b[2J\\r\\nb\\u009b31m\\u202e\n']);
  });
});

describe('debugEnabled', () => {
  it('is on with --verbose, whatever the environment says', () => {
    expect(debugEnabled({}, true)).toBe(true);
    expect(debugEnabled({ OFFBOARD_LOG: 'info' }, true)).toBe(true);
  });

  it('is on with OFFBOARD_LOG=debug, in any case and with spaces around', () => {
    for (const value of ['debug', 'DEBUG', 'Debug', '  debug\n', '\tDeBuG ']) {
      expect(debugEnabled({ OFFBOARD_LOG: value }, false), JSON.stringify(value)).toBe(true);
    }
  });

  it('is off otherwise', () => {
    for (const value of [undefined, '', ' ', 'info', 'warn', 'debugging', 'de bug', '1', 'true', 'verbose']) {
      expect(debugEnabled({ OFFBOARD_LOG: value }, false), JSON.stringify(value)).toBe(false);
    }
    expect(debugEnabled({}, false)).toBe(false);
    expect(debugEnabled({ offboard_log: 'debug' }, false)).toBe(false); // the variable's name is exact
  });
});
