/**
 * `EMBEDDER=http`: any OpenAI-compatible embeddings API (OpenAI, Ollama's /v1, vLLM, LiteLLM, TEI …).
 * `POST {url}/embeddings` with `{ model, input: [texts] }` answers `{ data: [{ embedding, index }] }`.
 * Texts go in batches; every request has a time limit.
 */
import { batches, checkVectors, type Embedder, EmbedderRequestError } from './embedder.js';

export interface HttpEmbedderOptions {
  /** Base URL; `/embeddings` is appended. */
  url: string;
  model: string;
  apiKey?: string | undefined;
  timeoutMs?: number;
  batchSize?: number;
}

export function createHttpEmbedder(options: HttpEmbedderOptions): Embedder {
  const endpoint = `${options.url.replace(/\/+$/, '')}/embeddings`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const batchSize = options.batchSize ?? 64;
  let dimensions: number | undefined;

  async function request(input: string[]): Promise<number[][]> {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: options.model, input }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const name = (error as Error).name;
      throw new EmbedderRequestError(
        name === 'TimeoutError' || name === 'AbortError'
          ? `embedder did not answer within ${timeoutMs} ms`
          : `embedder unreachable: ${(error as Error).message}`,
      );
    }
    if (!response.ok) {
      // A little of the body helps operators ("model not found"); never the request or its key.
      const detail = (await response.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
      throw new EmbedderRequestError(
        `embedder answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`,
        response.status,
      );
    }
    let body: { data?: { embedding?: unknown; index?: unknown }[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new EmbedderRequestError('embedder answered something other than JSON');
    }
    const data = Array.isArray(body?.data) ? [...body.data] : undefined;
    // OpenAI documents `index`; order by it when every item has one.
    if (data?.every((item) => typeof item?.index === 'number')) {
      data.sort((a, b) => (a.index as number) - (b.index as number));
    }
    return checkVectors(
      data?.map((item) => item?.embedding),
      input.length,
      'embedder',
    );
  }

  return {
    name: `http:${options.model}`,
    get dimensions() {
      return dimensions;
    },
    async embed(texts) {
      const out: number[][] = [];
      for (const batch of batches(texts, batchSize)) out.push(...(await request(batch)));
      if (out[0]) dimensions = out[0].length;
      return out;
    },
    async ping() {
      await this.embed(['ping']);
    },
  };
}
