/**
 * Text embedders for semantic search. Three providers: `off` (the default: no embedder, semantic search
 * answers not_implemented), `http` (an OpenAI-compatible embeddings API) and `local` (transformers.js over
 * a model folder on disk, installed separately). An embedder's `name` is stored beside every vector, so a
 * change of model never compares vectors of two models: the new one re-embeds in the background.
 */
import { ConfigError } from '../config.js';

export interface Embedder {
  /** Provider and model, e.g. `http:text-embedding-3-small`; stored with each vector. */
  readonly name: string;
  /** Vector length, once known (after the first call for providers that learn it from the model). */
  readonly dimensions?: number | undefined;
  /** One vector per text, in order. */
  embed(texts: string[]): Promise<number[][]>;
  /** Resolves when the embedder answers (health check). */
  ping(): Promise<void>;
  /** Releases model memory or sockets (optional). */
  close?(): Promise<void>;
}

export type EmbedderKind = 'off' | 'http' | 'local';

/** The embedder cannot be set up: start-up stops with this message (exit code of a configuration error). */
export class EmbedderSetupError extends ConfigError {
  constructor(message: string) {
    super('EMBEDDER', message);
    this.name = 'EmbedderSetupError';
  }
}

/** A failed embedding request (status is the HTTP status, when there was a response). */
export class EmbedderRequestError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'EmbedderRequestError';
    this.status = status;
  }
}

/** Splits `items` into chunks of at most `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Checks that a provider answered one finite, equally long vector per text. */
export function checkVectors(vectors: unknown, count: number, source: string): number[][] {
  if (!Array.isArray(vectors) || vectors.length !== count) {
    throw new EmbedderRequestError(
      `${source} returned ${Array.isArray(vectors) ? vectors.length : 'no'} vectors for ${count} texts`,
    );
  }
  const length = (vectors[0] as unknown[] | undefined)?.length ?? 0;
  for (const vector of vectors) {
    if (
      !Array.isArray(vector) ||
      vector.length === 0 ||
      vector.length !== length ||
      !vector.every((x) => typeof x === 'number' && Number.isFinite(x))
    ) {
      throw new EmbedderRequestError(`${source} returned a malformed vector`);
    }
  }
  return vectors as number[][];
}
