import { describe, expect, it } from 'vitest';
import { json, startServer } from '../test/helpers.js';
import { MAX_REQUEST_ID_LENGTH, REQUEST_ID_HEADERS, requestIdOf, safeRequestId } from './request-id.js';

const answer = (headers: Record<string, string>) => new Response(null, { status: 204, headers });

describe('requestIdOf', () => {
  it('takes the first header of the fixed order', () => {
    expect(requestIdOf(answer({ 'cf-ray': 'ray', 'x-correlation-id': 'corr' }))).toBe('corr');
    expect(requestIdOf(answer({ 'cf-ray': 'ray', 'X-Request-ID': 'req' }))).toBe('req');
    expect(requestIdOf(answer({ 'Request-Id': 'lp-1' }))).toBe('lp-1');
    expect(requestIdOf(answer({ 'cf-ray': '8f1c2d3e4a5b6c7d-AMS' }))).toBe('8f1c2d3e4a5b6c7d-AMS');
    expect(REQUEST_ID_HEADERS[0]).toBe('x-request-id');
    expect(REQUEST_ID_HEADERS.at(-1)).toBe('cf-ray');
  });

  it('is undefined without one (an empty header counts as none)', () => {
    expect(requestIdOf(answer({}))).toBeUndefined();
    expect(requestIdOf(answer({ 'x-request-id': '', 'cf-ray': 'ray' }))).toBe('ray');
  });

  it('escapes control characters and cuts a long id', () => {
    // A Response built in process (a middleware's, a fetch of one's own) may carry ESC and DEL.
    expect(requestIdOf(answer({ 'x-request-id': 'a\u001b[2Jb\u007f' }))).toBe('a\\u001b[2Jb\\u007f');
    expect(requestIdOf(answer({ 'x-request-id': 'y'.repeat(1000) }))).toBe(`${'y'.repeat(MAX_REQUEST_ID_LENGTH)}…`);
  });

  it('reads what a provider sent over the wire', async () => {
    const server = await startServer((_request, response) =>
      json(response, 200, {}, { 'x-request-id': 'req-1\t\x9b31m', 'cf-ray': 'ray' }),
    );
    try {
      const response = await fetch(server.url);
      await response.body?.cancel();
      expect(requestIdOf(response)).toBe('req-1\\u0009\\u009b31m');
    } finally {
      await server.close();
    }
  });
});

describe('safeRequestId', () => {
  it('leaves a plain id alone and escapes line and bidi controls', () => {
    expect(safeRequestId('0d8f3c5e-8f4a-4c1b-9d2e-1a2b3c4d5e6f')).toBe('0d8f3c5e-8f4a-4c1b-9d2e-1a2b3c4d5e6f');
    expect(safeRequestId('a\u2028b\u202ec')).toBe('a\\u2028b\\u202ec');
    expect(safeRequestId('z'.repeat(MAX_REQUEST_ID_LENGTH))).toBe('z'.repeat(MAX_REQUEST_ID_LENGTH));
  });
});
