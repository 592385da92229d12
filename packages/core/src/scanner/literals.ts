/**
 * Regex pre-filtering by required literals. `requiredLiterals` (required-literals.ts) reads from a
 * pattern's source which literals every match contains; a `LiteralIndex` finds which of many such
 * literals a text contains in one Aho–Corasick pass, so a pattern whose literals are absent is skipped
 * without running it. The skip is exact: a skipped regex could not have matched.
 */

import { requiredLiterals } from './required-literals.js';
import type { ScanContext } from './rule.js';

interface Automaton {
  /** Class of each UTF-16 code unit (ASCII letters folded to lower case); 0 for code units in no literal. */
  classes: Uint16Array;
  width: number;
  /**
   * Next state times `width`, indexed by state times `width` plus class; bitwise-negated (`~`) when
   * reaching that state completes a literal, so the scan loop tests the sign instead of loading a flag.
   */
  delta: Int32Array;
  /** Literal ids completed on reaching each state (by state times `width`). */
  outputs: (readonly number[] | undefined)[];
}

interface Literal {
  /** Lower case when `ignoreCase`. */
  text: string;
  ignoreCase: boolean;
}

/** Which literals of an index a text contains: 1 for present; ids beyond the array count as present. */
export type LiteralHits = Uint8Array;

/**
 * A growing set of literals searched together: `add` returns an id, `scan` reports which literals a
 * text contains, comparing case-insensitively (ASCII) or exactly as each literal asks.
 */
export class LiteralIndex {
  private readonly literals: Literal[] = [];
  private readonly ids = new Map<string, number>();
  private automaton: Automaton | undefined;

  /** Changes whenever literals are added, so that scans made before can be told apart. */
  get version(): number {
    return this.literals.length;
  }

  add(text: string, ignoreCase: boolean): number {
    if (text === '') throw new Error('An empty literal is in every text.');
    const folded = ignoreCase ? text.toLowerCase() : text;
    const key = `${ignoreCase ? 'i' : 's'}${folded}`;
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const id = this.literals.length;
    this.literals.push({ text: folded, ignoreCase });
    this.ids.set(key, id);
    this.automaton = undefined;
    return id;
  }

  /** Registers a regex's required literals; the gate says whether the regex can match a scanned text. */
  gate(re: RegExp): Gate {
    const required = requiredLiterals(re);
    if (!required) return alwaysOpen;
    return new Gate(required.clauses.map((clause) => clause.map((s) => this.add(s, required.ignoreCase))));
  }

  scan(text: string): LiteralHits {
    const { classes, delta, outputs } = this.automaton ?? this.build();
    const literals = this.literals;
    const hits = new Uint8Array(literals.length);
    let state = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      state = delta[state + (classes[text.charCodeAt(i)] as number)] as number;
      if (state < 0) {
        state = ~state;
        for (const id of outputs[state] ?? []) {
          if (hits[id] === 1) continue;
          const literal = literals[id] as Literal;
          // Found case-folded; a literal that keeps its case must be spelled exactly so here.
          if (literal.ignoreCase || text.startsWith(literal.text, i + 1 - literal.text.length)) hits[id] = 1;
        }
      }
    }
    return hits;
  }

  private build(): Automaton {
    const classes = new Uint16Array(65536);
    let width = 1;
    const classOf = (code: number) => {
      if (classes[code] === 0) {
        classes[code] = width;
        if (code >= 97 && code <= 122) classes[code - 32] = width;
        width += 1;
      }
      return classes[code] as number;
    };
    const fold = (code: number) => (code >= 65 && code <= 90 ? code + 32 : code);
    // Trie over case-folded literals; exact-case literals are confirmed after the scan.
    const goto: Map<number, number>[] = [new Map()];
    const ends: number[][] = [[]];
    this.literals.forEach((literal, id) => {
      let state = 0;
      for (let i = 0; i < literal.text.length; i++) {
        const k = classOf(fold(literal.text.charCodeAt(i)));
        let next = goto[state]?.get(k);
        if (next === undefined) {
          next = goto.length;
          goto.push(new Map());
          ends.push([]);
          goto[state]?.set(k, next);
        }
        state = next;
      }
      ends[state]?.push(id);
    });
    const size = goto.length;
    const delta = new Int32Array(size * width);
    const fail = new Int32Array(size);
    const outs: number[][] = ends.map((e) => [...e]);
    const queue: number[] = [];
    for (let k = 0; k < width; k++) {
      const next = goto[0]?.get(k);
      delta[k] = (next ?? 0) * width;
      if (next !== undefined) queue.push(next);
    }
    for (let head = 0; head < queue.length; head++) {
      const s = queue[head] as number;
      const f = fail[s] as number;
      outs[s]?.push(...(outs[f] ?? []));
      for (let k = 0; k < width; k++) {
        const next = goto[s]?.get(k);
        if (next === undefined) delta[s * width + k] = delta[f * width + k] as number;
        else {
          fail[next] = (delta[f * width + k] as number) / width;
          delta[s * width + k] = next * width;
          queue.push(next);
        }
      }
    }
    const outputs: (readonly number[] | undefined)[] = [];
    outs.forEach((list, s) => {
      if (list.length > 0) outputs[s * width] = list;
    });
    for (let i = 0; i < delta.length; i++) {
      const next = delta[i] as number;
      if (outputs[next] !== undefined) delta[i] = ~next;
    }
    this.automaton = { classes, width, delta, outputs };
    return this.automaton;
  }
}

/** Whether a regex can match a text, by the literals the text contains (see LiteralIndex.gate). */
export class Gate {
  constructor(private readonly clauses: readonly (readonly number[])[]) {}

  open(hits: LiteralHits): boolean {
    for (const clause of this.clauses) {
      let found = false;
      for (const id of clause) {
        if (id >= hits.length || hits[id] === 1) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  }
}

const alwaysOpen = new Gate([]);

// ---------------------------------------------------------------------------------------------------
// Shared per-file index

/**
 * Literals that rules look for in whole files (secret hints, install commands, Python pre-filters …),
 * found for all of them in one pass per file and scan. Modules register theirs with `fileLiteral` and
 * `fileGate`, usually when they load; the hits of a file are memoised in the scan context.
 */
const fileLiterals = new LiteralIndex();
const fileGates = new WeakMap<RegExp, Gate>();

/** Registers a literal looked for in whole files; its id indexes `fileLiteralHits`. */
export function fileLiteral(text: string, ignoreCase = false): number {
  return fileLiterals.add(text, ignoreCase);
}

/** The gate of a regex tested over whole files (registered on first use). */
export function fileGate(re: RegExp): Gate {
  let gate = fileGates.get(re);
  if (!gate) {
    gate = fileLiterals.gate(re);
    fileGates.set(re, gate);
  }
  return gate;
}

/** Which registered literals a text contains, without a scan context to remember it in. */
export function scanFileLiterals(text: string): LiteralHits {
  return fileLiterals.scan(text);
}

/**
 * Which registered literals a file's text (`ctx.textOf`) contains, memoised per scan as
 * `literals:<path>`; searched again only if literals were registered since (during a process's first scans).
 */
export function fileLiteralHits(ctx: ScanContext, path: string): LiteralHits {
  const key = `literals:${path}`;
  const known = ctx.cache.get(key) as { version: number; hits: LiteralHits } | undefined;
  if (known && known.version === fileLiterals.version) return known.hits;
  const hits = fileLiterals.scan(ctx.textOf(path) ?? '');
  ctx.cache.set(key, { version: fileLiterals.version, hits });
  return hits;
}
