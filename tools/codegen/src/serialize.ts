/** The one serialisation of a bundled spec: stable JSON, two-space indent, trailing newline. */
export function serializeSpec(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
