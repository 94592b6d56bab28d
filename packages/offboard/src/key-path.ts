// Where in a document a problem is, as people read it: `accounts[2].credentials`, and keys that
// are not identifiers quoted (`facts["tokens in 1"]`). Shared by the config file and the plan file.
import { showValue } from './provider.js';

/** One step into a document: an object key, or an array index. */
export type Segment = string | number;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A JSON pointer's segments (as ajv gives them), array indices as numbers. */
export function segmentsOf(pointer: string, data: unknown): Segment[] {
  if (pointer === '') return [];
  const segments: Segment[] = [];
  let value = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      segments.push(Number(key));
      value = value[Number(key)];
    } else {
      segments.push(key);
      value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
  }
  return segments;
}

/** `targets[3].steps[0].status`; the document itself is `top level`. */
export function keyPath(path: readonly Segment[]): string {
  if (path.length === 0) return 'top level';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${showValue(segment)}]`;
  }
  return out;
}

/** 1-based line and column (in UTF-16 units) of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let next = text.indexOf('\n'); next !== -1 && next < offset; next = text.indexOf('\n', next + 1)) {
    line++;
    start = next + 1;
  }
  return { line, column: offset - start + 1 };
}
