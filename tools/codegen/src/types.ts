// openapi-typescript runs in a worker thread (./types-worker.js). Loading it (and the TypeScript
// compiler) takes longer than bundling every spec, so `generate` starts the worker first and
// bundles on the main thread meanwhile: two cores, one critical path. This module imports
// nothing heavy, so the worker can start before the rest of the generator is even loaded.
import { Worker } from 'node:worker_threads';

type TypesRequest = { readonly id: number; readonly document: unknown };
type TypesResponse = { readonly id: number; readonly types: string } | { readonly id: number; readonly error: string };

/** Renders openapi-typescript types for bundled documents, in the worker. */
export class TypesWorker {
  readonly #worker = new Worker(new URL('./types-worker.js', import.meta.url));
  readonly #pending = new Map<number, { resolve: (types: string) => void; reject: (error: Error) => void }>();
  #next = 0;

  constructor() {
    this.#worker.on('message', (message: TypesResponse) => {
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if ('error' in message) pending?.reject(new Error(`openapi-typescript: ${message.error}`));
      else pending?.resolve(message.types);
    });
    this.#worker.on('error', (error) => {
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    });
  }

  render(document: unknown): Promise<string> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, document } satisfies TypesRequest);
    });
  }

  close(): Promise<number> {
    return this.#worker.terminate();
  }
}
