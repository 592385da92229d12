/**
 * The weighted-pattern engine of stage 3. Each attack-class rule owns a list of patterns; the engine
 * runs them over the prepared (normalised, code-blanked) text of every prompt file, drops matches that
 * read as documentation, and reports one hit per line with the strongest pattern's severity.
 */
import { type Gate, type LiteralHits, LiteralIndex } from '../../literals.js';
import type { Hit, ScanContext } from '../../rule.js';
import type { Severity } from '../../types.js';
import { isProse, matchContext } from './prose.js';
import { lineOfOffset, type PreparedText, preparedOf, promptFiles, snippet } from './text.js';

export interface InjectionPattern {
  /** Short description used in the finding's message. */
  label: string;
  /** Applied with the global flag to the prepared text; give it `i` unless case matters. */
  re: RegExp;
  /** 0–1, how sure a match is an attack (Tank's weights); also feeds the suspicion score. */
  weight: number;
  severity: Severity;
  /** A negation right before the match ("never …", "do not …") makes it advice, not an attack. */
  negatable?: boolean;
  /** Extra suppression for this pattern, given the prepared visible text and the match bounds. */
  skip?: (visible: string, start: number, end: number) => boolean;
}

export interface PatternMatch {
  file: string;
  line: number;
  start: number;
  weight: number;
  severity: Severity;
  label: string;
  evidence: string;
}

/** Matches kept per file and pattern set; a hostile file cannot grow the report without bound. */
const maxMatchesPerFile = 200;
/** Raw matches looked at per file and pattern set, suppressed ones included. */
const maxExaminedPerFile = 5000;
/** Hits reported per file and rule; the last one says how many more lines matched. */
const maxHitsPerFile = 20;

const rank: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/**
 * The literals each pattern needs (see literals.ts), searched for in one pass over a prompt file: a
 * pattern whose required words are missing from the file cannot match there and is not run.
 */
const literals = new LiteralIndex();

interface Compiled {
  /** The pattern with the global flag, compiled once. */
  re: RegExp;
  gate: Gate;
}

const compiledPatterns = new WeakMap<RegExp, Compiled>();

function compiled(pattern: InjectionPattern): Compiled {
  let entry = compiledPatterns.get(pattern.re);
  if (!entry) {
    const flags = pattern.re.flags.includes('g') ? pattern.re.flags : `${pattern.re.flags}g`;
    entry = { re: new RegExp(pattern.re.source, flags), gate: literals.gate(pattern.re) };
    compiledPatterns.set(pattern.re, entry);
  }
  return entry;
}

const literalHits = new WeakMap<PreparedText, { version: number; hits: LiteralHits }>();

/** The pattern literals a prepared file contains, searched again only if patterns were added since. */
function literalHitsOf(prepared: PreparedText): LiteralHits {
  const known = literalHits.get(prepared);
  if (known && known.version === literals.version) return known.hits;
  const hits = literals.scan(prepared.visible);
  literalHits.set(prepared, { version: literals.version, hits });
  return hits;
}

function scanFile(
  ctx: ScanContext,
  path: string,
  patterns: readonly InjectionPattern[],
  compiledSet: readonly Compiled[],
): PatternMatch[] {
  const prepared = preparedOf(ctx, path);
  if (!prepared) return [];
  const out: PatternMatch[] = [];
  const text = prepared.visible;
  const hits = literalHitsOf(prepared);
  let examined = 0;
  for (let p = 0; p < patterns.length; p++) {
    const pattern = patterns[p] as InjectionPattern;
    if (out.length >= maxMatchesPerFile || examined >= maxExaminedPerFile) break;
    const { re, gate } = compiledSet[p] as Compiled;
    if (!gate.open(hits)) continue;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex += 1;
        continue;
      }
      const start = m.index;
      const end = start + m[0].length;
      examined += 1;
      if (examined > maxExaminedPerFile) break;
      if (pattern.skip?.(text, start, end)) continue;
      const context = matchContext(prepared, start, end);
      if (pattern.negatable && context.negated) continue;
      if (isProse(context, pattern.weight)) continue;
      if (out.length >= maxMatchesPerFile) break;
      out.push({
        file: path,
        line: lineOfOffset(prepared, start),
        start,
        weight: pattern.weight,
        severity: pattern.severity,
        label: pattern.label,
        evidence: snippet(prepared, start, end),
      });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Every unsuppressed match of a pattern set over all prompt files, memoised per set. */
export function patternMatches(
  ctx: ScanContext,
  key: string,
  patterns: readonly InjectionPattern[],
): PatternMatch[] {
  const cacheKey = `injection:matches:${key}`;
  const cached = ctx.cache.get(cacheKey);
  if (cached) return cached as PatternMatch[];
  const compiledSet = patterns.map(compiled);
  const out = promptFiles(ctx).flatMap((path) => scanFile(ctx, path, patterns, compiledSet));
  ctx.cache.set(cacheKey, out);
  return out;
}

/** One hit per (file, line): the strongest pattern on the line, naming the others. */
export function hitsPerLine(matches: readonly PatternMatch[], what: string): Hit[] {
  const byLine = new Map<string, PatternMatch[]>();
  for (const match of matches) {
    const key = `${match.file}\u0000${match.line}`;
    const list = byLine.get(key);
    if (list) list.push(match);
    else byLine.set(key, [match]);
  }
  const perFile = new Map<string, Hit[]>();
  for (const list of byLine.values()) {
    const best = list.reduce((a, b) =>
      rank[b.severity] > rank[a.severity] || (rank[b.severity] === rank[a.severity] && b.weight > a.weight)
        ? b
        : a,
    );
    const labels = [...new Set(list.map((m) => m.label))];
    const hit: Hit = {
      message: `${what}: ${labels.join('; ')} (weight ${best.weight.toFixed(2)}).`,
      file: best.file,
      line: best.line,
      evidence: best.evidence,
      severity: best.severity,
    };
    const fileHits = perFile.get(best.file);
    if (fileHits) fileHits.push(hit);
    else perFile.set(best.file, [hit]);
  }
  const byLineNumber = (a: Hit, b: Hit) => (a.line ?? 0) - (b.line ?? 0);
  const hits: Hit[] = [];
  for (const file of [...perFile.keys()].sort()) {
    const fileHits = perFile.get(file) ?? [];
    if (fileHits.length <= maxHitsPerFile) {
      hits.push(...fileHits.sort(byLineNumber));
      continue;
    }
    // Keep the most severe lines, in line order, and say how many were left out.
    const kept = fileHits
      .sort((a, b) => rank[b.severity ?? 'info'] - rank[a.severity ?? 'info'] || byLineNumber(a, b))
      .slice(0, maxHitsPerFile)
      .sort(byLineNumber);
    const last = kept[kept.length - 1];
    if (last) last.message = `${last.message} (${fileHits.length - maxHitsPerFile} more lines in this file)`;
    hits.push(...kept);
  }
  return hits;
}
