/** Builds the configured embedder: undefined for `EMBEDDER=off` (semantic search then answers not_implemented). */
import type { Config } from '../config.js';
import type { Embedder } from './embedder.js';
import { createHttpEmbedder } from './http.js';
import { createLocalEmbedder } from './local.js';

export {
  type Embedder,
  type EmbedderKind,
  EmbedderRequestError,
  EmbedderSetupError,
} from './embedder.js';
export { createHashingEmbedder, hashingVector } from './hashing.js';
export { createHttpEmbedder } from './http.js';
export { createLocalEmbedder, transformersInstall } from './local.js';

type EmbedderConfig = Pick<
  Config,
  | 'embedder'
  | 'embedderUrl'
  | 'embedderModel'
  | 'embedderApiKey'
  | 'embedderModelDir'
  | 'embedderTimeoutMs'
  | 'embedderBatchSize'
>;

export async function createEmbedder(config: EmbedderConfig): Promise<Embedder | undefined> {
  switch (config.embedder) {
    case 'off':
      return undefined;
    case 'http':
      // loadConfig guarantees both for EMBEDDER=http.
      return createHttpEmbedder({
        url: config.embedderUrl as string,
        model: config.embedderModel as string,
        apiKey: config.embedderApiKey,
        timeoutMs: config.embedderTimeoutMs,
        batchSize: config.embedderBatchSize,
      });
    case 'local':
      return createLocalEmbedder({
        modelDir: config.embedderModelDir as string,
        model: config.embedderModel,
        batchSize: config.embedderBatchSize,
      });
  }
}
