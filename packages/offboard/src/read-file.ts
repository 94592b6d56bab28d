// Reading an input file whole, but never more than a limit: a file, or a pipe such as
// `--config <(…)` whose size is not known before it is read.
import { open } from 'node:fs/promises';

/** The file's text (UTF-8), or undefined when it holds more than `maxBytes`. I/O errors are thrown as they are. */
export async function readUpTo(file: string, maxBytes: number): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) return undefined;
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    await handle.close().catch(() => undefined);
  }
}
