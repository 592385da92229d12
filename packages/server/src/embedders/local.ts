/**
 * `EMBEDDER=local`: transformers.js running a sentence-embedding model from a folder on disk (mean
 * pooling, normalised). `@huggingface/transformers` is deliberately not a dependency: it brings ~470 MB
 * of ONNX runtimes whose plain install tries to download CUDA binaries. Operators who want it install it
 * with `ONNXRUNTIME_NODE_INSTALL=skip npm install @huggingface/transformers`; without it start-up stops
 * and says so. Remote model loading is switched off: a missing model is an error, never a download.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { batches, checkVectors, type Embedder, EmbedderSetupError } from './embedder.js';

export const transformersPackage = '@huggingface/transformers';
export const transformersInstall = `ONNXRUNTIME_NODE_INSTALL=skip npm install ${transformersPackage}`;

/** The part of transformers.js used here. */
interface Transformers {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
  pipeline(
    task: 'feature-extraction',
    model: string,
    options?: { dtype?: string },
  ): Promise<FeatureExtractor>;
}

type FeatureExtractor = ((
  texts: string[],
  options: { pooling: 'mean'; normalize: boolean },
) => Promise<{ tolist(): unknown }>) & { dispose?(): Promise<unknown> };

export interface LocalEmbedderOptions {
  /** The models directory holding `model`, or the model folder itself when `model` is unset. */
  modelDir: string;
  model?: string | undefined;
  batchSize?: number;
  /** How the package is loaded; tests replace it. */
  importModule?: (specifier: string) => Promise<unknown>;
}

// A variable specifier keeps TypeScript (and bundlers) from requiring the optional package at build time.
const importOptional = (specifier: string): Promise<unknown> => import(specifier);

export async function createLocalEmbedder(options: LocalEmbedderOptions): Promise<Embedder> {
  let transformers: Transformers;
  try {
    transformers = (await (options.importModule ?? importOptional)(transformersPackage)) as Transformers;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    throw new EmbedderSetupError(
      missing
        ? `is "local" but ${transformersPackage} is not installed. Install it with: ${transformersInstall} (or set EMBEDDER=http or EMBEDDER=off)`
        : `is "local" but ${transformersPackage} failed to load (${(error as Error).message}). Reinstall it with: ${transformersInstall}`,
    );
  }
  const modelsDir = options.model ? options.modelDir : dirname(options.modelDir);
  const modelId = options.model ?? basename(options.modelDir);
  const folder = join(modelsDir, modelId);
  if (!existsSync(join(folder, 'config.json'))) {
    throw new EmbedderSetupError(
      `is "local" but ${folder} holds no model (expected config.json, tokenizer.json and onnx/model.onnx); models are never downloaded`,
    );
  }
  transformers.env.allowRemoteModels = false;
  transformers.env.allowLocalModels = true;
  transformers.env.localModelPath = modelsDir.endsWith(sep) ? modelsDir : `${modelsDir}${sep}`;
  let extractor: FeatureExtractor;
  try {
    extractor = await transformers.pipeline('feature-extraction', modelId, { dtype: 'fp32' });
  } catch (error) {
    throw new EmbedderSetupError(
      `is "local" but the model in ${folder} did not load: ${(error as Error).message}`,
    );
  }
  const batchSize = options.batchSize ?? 32;
  let dimensions: number | undefined;
  const embedder: Embedder = {
    name: `local:${modelId}`,
    get dimensions() {
      return dimensions;
    },
    async embed(texts) {
      const out: number[][] = [];
      for (const batch of batches(texts, batchSize)) {
        const output = await extractor(batch, { pooling: 'mean', normalize: true });
        out.push(...checkVectors(output.tolist(), batch.length, 'local model'));
      }
      if (out[0]) dimensions = out[0].length;
      return out;
    },
    async ping() {
      await embedder.embed(['ping']);
    },
    async close() {
      await extractor.dispose?.();
    },
  };
  // One embedding at start-up: a broken model stops the start rather than the first publish.
  await embedder.embed(['warm-up']).catch((error: unknown) => {
    throw new EmbedderSetupError(`is "local" but the model in ${folder} failed: ${(error as Error).message}`);
  });
  return embedder;
}
