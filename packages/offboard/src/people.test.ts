// The people a run by email starts from: address rules, exact matching, the --people CSV.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePeople } from './csv.js';
import { checkEmail, checkPeople } from './discover.js';
import { canonicalEmail, matchUsers } from './provider.js';

describe('checkEmail', () => {
  it('trims and lower-cases, so the same address is one person whatever its case', () => {
    expect(checkEmail('  Alice@Corp.Example \t')).toBe('alice@corp.example');
  });

  it.each([
    ['', /is empty/],
    ['   ', /is empty/],
    ['alice', /not an address/],
    ['@corp.example', /not an address/],
    ['alice@', /not an address/],
    ['alice@bob@corp.example', /not an address/],
    ['alice smith@corp.example', /whitespace or a control character/],
    ['alice\u0000@corp.example', /whitespace or a control character/],
    ['alice\u001b[31m@corp.example', /whitespace or a control character/],
    ['alice\u202e@corp.example', /whitespace or a control character/],
    [`${'a'.repeat(250)}@x.example`, /longer than 254/],
  ])('refuses %j', (value, problem) => {
    expect(() => checkEmail(value)).toThrow(problem);
  });

  it('shows a refused value escaped, never raw control characters', () => {
    try {
      checkEmail('evil\u001b]0;pwned\u0007@x');
      expect.unreachable();
    } catch (error) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking none got through.
      expect(String(error)).not.toMatch(/[\u0000-\u001f]/);
      expect(String(error)).toContain('\\u001b');
    }
  });

  it('refuses a value that is not a string', () => {
    expect(() => checkEmail(42)).toThrow(/must be a string/);
  });
});

describe('checkPeople', () => {
  it('refuses the same person twice, in any case or spacing, naming both places', () => {
    expect(() =>
      checkPeople([
        { email: 'alice@corp.example', where: 'people.csv: line 2' },
        { email: ' ALICE@corp.example', where: 'people.csv: line 5' },
      ]),
    ).toThrow('people.csv: line 5: the same person as people.csv: line 2 (alice@corp.example)');
  });

  it('names where a bad address is', () => {
    expect(() => checkPeople([{ email: 'nobody', where: '--email' }])).toThrow(/^--email: email "nobody"/);
  });
});

describe('matchUsers', () => {
  const users = [
    { id: 'u1', email: 'alice@corp.example' },
    { id: 'u2', email: 'malice@corp.example' },
    { id: 'u3', email: 'alice@corp.example.evil' },
    { id: 'u4', email: 'ALICE@CORP.EXAMPLE ' },
    { id: 'u5', email: null },
  ];
  const match = (emails: string[]) =>
    matchUsers(
      users,
      emails,
      (user) => [user.email],
      (user) => user.id,
    );

  it('matches the whole address, case-insensitively; never a substring, prefix or suffix', async () => {
    expect(await match(['alice@corp.example'])).toEqual(new Map([['alice@corp.example', ['u1', 'u4']]]));
  });

  it('finds nothing for an address nobody has', async () => {
    expect((await match(['bob@corp.example'])).size).toBe(0);
  });

  it('counts a user once when two of its fields hold the address', async () => {
    const found = await matchUsers(
      [{ id: 7, email: 'a@x.example', login: 'A@x.example' }],
      ['a@x.example'],
      (user) => [user.email, user.login],
      (user) => String(user.id),
    );
    expect(found.get('a@x.example')).toEqual(['7']);
  });

  it('property: a user matches exactly when its canonical address is sought', async () => {
    const address = fc
      .tuple(fc.stringMatching(/^[a-zA-Z0-9.]{1,6}$/), fc.stringMatching(/^[a-zA-Z0-9]{1,4}$/))
      .map(([local, domain]) => `${local}@${domain}.example`);
    await fc.assert(
      fc.asyncProperty(fc.array(address, { maxLength: 12 }), address, async (addresses, sought) => {
        const listed = addresses.map((email, index) => ({ id: String(index), email }));
        const found = await matchUsers(
          listed,
          [canonicalEmail(sought)],
          (user) => [user.email],
          (user) => user.id,
        );
        const expected = listed.filter((user) => canonicalEmail(user.email) === canonicalEmail(sought));
        expect(found.get(canonicalEmail(sought)) ?? []).toEqual(expected.map((user) => user.id));
      }),
    );
  });
});

describe('parsePeople', () => {
  it('reads the email column wherever it is, ignoring the others', () => {
    const rows = parsePeople(
      'name,Email,team\nAlice,alice@corp.example,core\n"Bob, Jr.",bob@corp.example,ops\n',
      'p.csv',
    );
    expect(rows).toEqual([
      { email: 'alice@corp.example', where: 'p.csv: line 2' },
      { email: 'bob@corp.example', where: 'p.csv: line 3' },
    ]);
  });

  it('takes a BOM, CRLF and blank lines', () => {
    expect(parsePeople('\ufeffemail\r\n\r\na@x.example\r\n', 'p.csv')).toEqual([
      { email: 'a@x.example', where: 'p.csv: line 3' },
    ]);
  });

  it.each([
    ['name,mail\nA,a@x.example\n', /line 1 must be a header with an "email" column/],
    ['email,EMAIL\na@x.example,b@x.example\n', /two "email" columns/],
    ['email\n', /lists no people/],
    ['name,email\nAlice\n', /line 2: no email address/],
    ['name,email\nAlice,\n', /line 2: no email address/],
    ['email\n"unterminated\n', /not a readable CSV/],
  ])('refuses %j', (text, problem) => {
    expect(() => parsePeople(text, 'p.csv')).toThrow(problem);
  });
});
