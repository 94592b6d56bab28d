// The rules table: every change specs:diff reports carries one of these rules, and the rule alone
// decides its class. README.md shows the same table (a test keeps the two in step).

export type ChangeClass = 'breaking' | 'feature' | 'fix';

/** Highest first. */
export const CLASSES: readonly ChangeClass[] = ['breaking', 'feature', 'fix'];

/** The semver bump of each class, as written in a changeset. */
export const BUMPS: Readonly<Record<ChangeClass, 'major' | 'minor' | 'patch'>> = {
  breaking: 'major',
  feature: 'minor',
  fix: 'patch',
};

export interface Rule {
  readonly class: ChangeClass;
  /** When the rule applies, in terms of the bundled spec. */
  readonly when: string;
}

export const RULES = {
  'operation-removed': { class: 'breaking', when: 'an operation (method and path) is gone' },
  'path-renamed': {
    class: 'breaking',
    when: 'an operation moved to another path: same operationId, or same method on a path that differs only in parameter names',
  },
  'operation-id-changed': {
    class: 'breaking',
    when: "an operation's `operationId` changed (it names the generated `operations` entry)",
  },
  'response-removed': {
    class: 'breaking',
    when: 'a response status, a response media type or a response header is gone',
  },
  'parameter-added-required': {
    class: 'breaking',
    when: 'a new required parameter or request body, or an optional one made required',
  },
  'parameter-removed': { class: 'breaking', when: 'a parameter, the request body or a request media type is gone' },
  'property-removed': {
    class: 'breaking',
    when: 'an object property is gone (its field disappears from the generated type)',
  },
  'type-narrowed': {
    class: 'breaking',
    when: 'a schema accepts less: a type or `null` dropped, `format`, `pattern`, `const` or `enum` added or changed, a bound tightened, a property made required, `additionalProperties` closed, a `oneOf`/`anyOf` branch dropped or an `allOf` branch added',
  },
  'enum-value-removed': { class: 'breaking', when: 'an enum lost a value' },
  'auth-scheme-changed': {
    class: 'breaking',
    when: "an operation's security requirement changed, or a security scheme's definition (type, `in`, `name`, `scheme`, flows)",
  },
  'server-changed': { class: 'breaking', when: "the first server URL (the client's default base URL) changed" },
  'unclassified-change': {
    class: 'breaking',
    when: 'any other change to what the client is generated from (e.g. a schema replaced by a `oneOf`, a parameter `style`): breaking until someone reads it',
  },
  'operation-added': { class: 'feature', when: 'a new operation' },
  'parameter-added-optional': {
    class: 'feature',
    when: 'a new optional parameter, request body or request media type, or a required one made optional',
  },
  'response-added': { class: 'feature', when: 'a new response status, response media type or response header' },
  'property-added': { class: 'feature', when: 'a new object property (a new required one is also `type-narrowed`)' },
  'enum-value-added': { class: 'feature', when: 'an enum gained a value' },
  'type-widened': { class: 'feature', when: 'a schema accepts more: the opposite of every `type-narrowed` case' },
  'description-changed': { class: 'fix', when: 'a `description`, `summary` or `title` changed' },
  'example-changed': { class: 'fix', when: 'an `example` or `examples` changed' },
  'metadata-changed': {
    class: 'fix',
    when: "anything that reaches neither the types nor the client's behaviour: `info` (but its texts), tags, `externalDocs`, `deprecated`, `default`, `readOnly`/`writeOnly`, `x-` extensions, servers after the first",
  },
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

export interface Change {
  readonly rule: RuleId;
  /** Where in the spec: `DELETE /iam/users/{userId} › response 403 › application/json › message`. */
  readonly where: string;
  readonly detail: string;
}

export function classOf(change: Change): ChangeClass {
  return RULES[change.rule].class;
}

/** The highest class among the changes, or undefined when there are none. */
export function highestClass(changes: readonly Change[]): ChangeClass | undefined {
  return CLASSES.find((changeClass) => changes.some((change) => classOf(change) === changeClass));
}

/** The rules table as Markdown, for README.md. */
export function rulesTable(): string {
  const rows = Object.entries(RULES).map(
    ([id, rule]) => `| \`${id}\` | ${rule.class} (${BUMPS[rule.class]}) | ${rule.when} |`,
  );
  return ['| rule | class (bump) | when |', '|---|---|---|', ...rows].join('\n');
}
