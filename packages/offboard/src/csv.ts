// Batch input: a CSV with the header `provider,account,user`. Every row is checked before
// anything is sent; a bad row is an InputError naming its line.
import { parse } from 'csv-parse/sync';
import { builtInRegistry, type Registry } from './registry.js';
import { InputError, type Target, targetKey } from './types.js';

const HEADER = ['provider', 'account', 'user'];

/** The records of a CSV with the line each ends on (BOM, blank lines and surrounding spaces aside). */
function readRecords(text: string, source: string): { record: string[]; info: { lines: number } }[] {
  try {
    return parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as never;
  } catch (error) {
    throw new InputError(`${source}: not a readable CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function parseTargets(text: string, source = 'batch', registry: Registry = builtInRegistry): Target[] {
  const records = readRecords(text, source);
  const [header, ...rows] = records;
  if (!header || header.record.map((cell) => cell.toLowerCase()).join(',') !== HEADER.join(',')) {
    throw new InputError(`${source}: line 1 must be the header "${HEADER.join(',')}"`);
  }
  const seen = new Map<string, number>();
  return rows.map(({ record, info }) => {
    const line = info.lines;
    const where = `${source}: line ${line}`;
    if (record.length !== 3)
      throw new InputError(`${where}: expected 3 fields (provider,account,user), got ${record.length}`);
    const [provider, account, user] = record as [string, string, string];
    let target: Target;
    try {
      // Canonical ids, so `0200001,01001` and `200001,1001` are one target, caught below.
      target = registry.canonical({ provider, account, user });
    } catch (error) {
      if (error instanceof InputError) throw new InputError(`${where}: ${error.message}`);
      throw error;
    }
    const earlier = seen.get(targetKey(target));
    if (earlier !== undefined)
      throw new InputError(`${where}: the same target as line ${earlier} (${targetKey(target)})`);
    seen.set(targetKey(target), line);
    return target;
  });
}

/** A person of a `--people` file: the address as written, and where (for messages). */
export interface PersonRow {
  readonly email: string;
  readonly where: string;
}

/**
 * `--people` input: a CSV whose header has an `email` column (any case); other columns are
 * ignored. Every row must give an address; checkPeople checks and dedupes them.
 */
export function parsePeople(text: string, source = 'people'): PersonRow[] {
  const records = readRecords(text, source);
  const [header, ...rows] = records;
  const columns = header?.record.map((cell) => cell.toLowerCase()) ?? [];
  const column = columns.indexOf('email');
  if (column < 0) throw new InputError(`${source}: line 1 must be a header with an "email" column`);
  if (columns.indexOf('email', column + 1) >= 0) throw new InputError(`${source}: line 1 has two "email" columns`);
  if (rows.length === 0) throw new InputError(`${source}: lists no people`);
  return rows.map(({ record, info }) => {
    const where = `${source}: line ${info.lines}`;
    const email = record[column];
    if (email === undefined || email === '') throw new InputError(`${where}: no email address`);
    return { email, where };
  });
}
