/**
 * A deterministic bag-of-words embedder: each word is hashed into one of `dimensions` buckets (with a
 * hashed sign) and the vector is L2-normalised, so cosine similarity measures shared words. It needs no
 * model, which makes it right for tests and benchmarks and wrong for production (no synonyms, no
 * meaning). It is not selectable through EMBEDDER.
 */
import { foldSearchText } from '@agentry/core';
import type { Embedder } from './embedder.js';

const stopWords = new Set(
  'a an and are as at be by for from has have in is it its of on or that the this to was were will with you your'.split(
    ' ',
  ),
);

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function hashingVector(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of foldSearchText(text).split(/[^\p{L}\p{N}]+/u)) {
    if (word.length < 2 || stopWords.has(word)) continue;
    // A crude stem, so "reviews" and "review" share a bucket.
    const stem = word.length > 4 ? word.replace(/(ing|ers|er|es|s)$/, '') : word;
    const hash = fnv1a(stem);
    vector[hash % dimensions] = (vector[hash % dimensions] ?? 0) + (hash & 0x80000000 ? -1 : 1);
  }
  const norm = Math.hypot(...vector);
  // An empty text still gets a unit vector, so cosine distance stays defined.
  if (norm === 0) return vector.map((_, i) => (i === 0 ? 1 : 0));
  return vector.map((x) => x / norm);
}

export function createHashingEmbedder(dimensions = 64): Embedder {
  return {
    name: `hashing-${dimensions}`,
    dimensions,
    embed: async (texts) => texts.map((text) => hashingVector(text, dimensions)),
    ping: async () => {},
  };
}
