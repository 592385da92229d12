/**
 * Which literals every match of a regex must contain. Most scanner patterns can only match text that
 * contains certain words: `\b(?:ignore|disregard)\s+(?:previous|prior)\s+instructions\b` needs one of
 * "ignore" / "disregard", one of "previous" / "prior", and "instruction". `requiredLiterals` reads that
 * from the regex source. The claim is exact (a skipped regex could not have matched): the analysis only
 * ever claims a literal is required when every match contains it, and anything it does not understand
 * yields no requirement at all. Requirements are derived from the regexes themselves, so editing a rule's
 * pattern needs no change here. literals.ts uses them to skip patterns.
 */

/** Literals required by a regex: every match contains, for each clause, at least one of its literals. */
export interface RequiredLiterals {
  clauses: string[][];
  /** Literals are compared ignoring ASCII case (the regex has the `i` flag). */
  ignoreCase: boolean;
}

/** Largest set of exact strings tracked for one piece of a pattern before falling back to clauses. */
const maxExact = 64;
/** Largest character class expanded to its characters. */
const maxClass = 32;

interface Info {
  /** Every string the piece can match, when they are few (case-folded under `i`). */
  exact?: Set<string>;
  /** Otherwise, clauses every match satisfies (none: nothing is known). */
  clauses: Set<string>[];
}

const any: Info = { clauses: [] };
const empty = (): Info => ({ exact: new Set(['']), clauses: [] });

class Unsupported extends Error {}

function clausesOf(info: Info): Set<string>[] {
  if (info.exact) return info.exact.has('') ? [] : [info.exact];
  return info.clauses;
}

/** Rough selectivity: a clause of longer literals is rarer in text; fewer alternatives break ties. */
function better(a: Set<string>, b: Set<string>): boolean {
  const minA = Math.min(...[...a].map((s) => s.length));
  const minB = Math.min(...[...b].map((s) => s.length));
  return minA !== minB ? minA > minB : a.size < b.size;
}

function bestClause(clauses: Set<string>[]): Set<string> | undefined {
  let best: Set<string> | undefined;
  for (const clause of clauses) if (!best || better(clause, best)) best = clause;
  return best;
}

function product(a: Set<string>, b: Set<string>): Set<string> | undefined {
  if (a.size * b.size > maxExact) return undefined;
  const out = new Set<string>();
  for (const x of a) for (const y of b) out.add(x + y);
  return out;
}

function concat(parts: Info[]): Info {
  const clauses: Set<string>[] = [];
  let run: Set<string> = new Set(['']);
  let allExact = true;
  const flush = () => {
    if (!run.has('')) clauses.push(run);
  };
  for (const part of parts) {
    if (part.exact) {
      const next = product(run, part.exact);
      if (next) run = next;
      else {
        allExact = false;
        flush();
        run = part.exact;
      }
      continue;
    }
    allExact = false;
    flush();
    run = new Set(['']);
    clauses.push(...part.clauses);
  }
  if (allExact) return { exact: run, clauses: [] };
  flush();
  return { clauses };
}

function alternation(branches: Info[]): Info {
  if (branches.length === 1) return branches[0] ?? any;
  if (branches.every((b) => b.exact)) {
    const union = new Set<string>();
    for (const b of branches) for (const s of b.exact ?? []) union.add(s);
    if (union.size <= maxExact) return { exact: union, clauses: [] };
  }
  const union = new Set<string>();
  for (const branch of branches) {
    const best = bestClause(clausesOf(branch));
    if (!best) return any;
    for (const s of best) union.add(s);
  }
  return { clauses: [union] };
}

function repeat(info: Info, min: number, max: number): Info {
  if (max === 0) return empty();
  if (min === 0) {
    if (max === 1 && info.exact) return { exact: new Set([...info.exact, '']), clauses: [] };
    return any;
  }
  if (min === max && info.exact) {
    let run: Set<string> | undefined = new Set(['']);
    for (let i = 0; i < min && run; i++) run = product(run, info.exact);
    if (run) return { exact: run, clauses: [] };
  }
  // At least one repetition: whatever one repetition requires, the whole does.
  return { clauses: clausesOf(info) };
}

/** A recursive-descent reader of regex source that computes Info instead of building a tree. */
class Analyzer {
  private at = 0;

  constructor(
    private readonly src: string,
    private readonly ignoreCase: boolean,
    private readonly unicode: boolean,
  ) {}

  run(): Info {
    const info = this.disjunction();
    if (this.at !== this.src.length) throw new Unsupported('trailing input');
    return info;
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.at + offset];
  }

  private char(c: string): Info {
    if (this.ignoreCase) {
      const code = c.charCodeAt(0);
      if (code >= 65 && code <= 90) return { exact: new Set([c.toLowerCase()]), clauses: [] };
      // Non-ASCII letters with case have case-insensitive partners the index does not fold.
      if (code >= 128 && (c.toLowerCase() !== c || c.toUpperCase() !== c)) return any;
    }
    return { exact: new Set([c]), clauses: [] };
  }

  private disjunction(): Info {
    const branches = [this.alternative()];
    while (this.peek() === '|') {
      this.at += 1;
      branches.push(this.alternative());
    }
    return alternation(branches);
  }

  private alternative(): Info {
    const parts: Info[] = [];
    while (this.at < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.atom();
      parts.push(this.quantified(atom));
    }
    return concat(parts);
  }

  private quantified(atom: Info & { assertion?: boolean }): Info {
    const q = this.peek();
    let min: number;
    let max: number;
    if (q === '*') [min, max] = [0, Number.POSITIVE_INFINITY];
    else if (q === '+') [min, max] = [1, Number.POSITIVE_INFINITY];
    else if (q === '?') [min, max] = [0, 1];
    else if (q === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.at));
      if (!m) {
        if (this.unicode) throw new Unsupported('brace');
        return atom; // a literal `{`, read as the next atom
      }
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
      this.at += m[0].length - 1;
    } else return atom;
    this.at += 1;
    if (this.peek() === '?') this.at += 1; // lazy: same strings, other preference
    if (atom.assertion) return empty();
    return repeat(atom, min, max);
  }

  private atom(): Info & { assertion?: boolean } {
    const c = this.peek() as string;
    switch (c) {
      case '^':
      case '$':
        this.at += 1;
        return { ...empty(), assertion: true };
      case '.':
        this.at += 1;
        return any;
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw new Unsupported('nothing to repeat');
      case '{':
        if (this.unicode) throw new Unsupported('brace');
        this.at += 1;
        return this.char('{');
      default:
        this.at += 1;
        if (c === '}' || c === ']') {
          if (this.unicode) throw new Unsupported('lone bracket');
        }
        return this.char(c);
    }
  }

  private group(): Info & { assertion?: boolean } {
    const rest = this.src.slice(this.at, this.at + 4);
    let assertion = false;
    if (rest.startsWith('(?:')) this.at += 3;
    else if (rest.startsWith('(?=') || rest.startsWith('(?!')) {
      this.at += 3;
      assertion = true;
    } else if (rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
      this.at += 4;
      assertion = true;
    } else if (rest.startsWith('(?<')) {
      const close = this.src.indexOf('>', this.at);
      if (close < 0) throw new Unsupported('group name');
      this.at = close + 1;
    } else if (rest.startsWith('(?')) throw new Unsupported('group modifier');
    else this.at += 1;
    const inner = this.disjunction();
    if (this.peek() !== ')') throw new Unsupported('unclosed group');
    this.at += 1;
    // Lookarounds consume nothing: what they look at is not part of the match.
    return assertion ? { ...empty(), assertion: true } : inner;
  }

  /** One character of an escape that stands for itself, or undefined for a class or an unknown escape. */
  private escapedChar(inClass: boolean): string | undefined {
    const c = this.peek() as string | undefined;
    if (c === undefined) throw new Unsupported('trailing backslash');
    this.at += 1;
    switch (c) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case 'b':
        return inClass ? '\b' : undefined;
      case 'x': {
        const hex = /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.at));
        if (!hex) return undefined;
        this.at += 2;
        return String.fromCharCode(Number.parseInt(hex[0], 16));
      }
      case 'u': {
        const hex = /^[0-9a-fA-F]{4}/.exec(this.src.slice(this.at));
        if (!hex) {
          if (this.unicode) throw new Unsupported('unicode escape');
          return undefined;
        }
        this.at += 4;
        return String.fromCharCode(Number.parseInt(hex[0], 16));
      }
      default:
        // Punctuation stands for itself; letters and digits are classes, back-references, controls
        // or legacy escapes: treated as "any character", which never adds a requirement.
        if (!/[A-Za-z0-9]/.test(c)) return c;
        if (/[0-9]/.test(c)) {
          // \0 and legacy octal escapes (\012): their digits are not literals.
          while (/[0-9]/.test(this.peek() ?? '')) this.at += 1;
        } else if (c === 'c') {
          if (/[A-Za-z]/.test(this.peek() ?? '')) this.at += 1;
        } else if (c === 'k') {
          const name = /^<[\w$]+>/.exec(this.src.slice(this.at));
          if (name) this.at += name[0].length;
        } else if ((c === 'p' || c === 'P') && this.unicode) {
          const property = /^\{[\w=]+\}/.exec(this.src.slice(this.at));
          if (!property) throw new Unsupported('property escape');
          this.at += property[0].length;
        }
        return undefined;
    }
  }

  private escape(): Info & { assertion?: boolean } {
    this.at += 1;
    const c = this.peek();
    if (c === 'b' || c === 'B') {
      this.at += 1;
      return { ...empty(), assertion: true };
    }
    const char = this.escapedChar(false);
    return char === undefined ? any : this.char(char);
  }

  private charClass(): Info {
    this.at += 1;
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.at += 1;
    }
    const chars = new Set<string>();
    let unknown = false;
    while (this.peek() !== ']') {
      if (this.peek() === undefined) throw new Unsupported('unclosed class');
      const from = this.classAtom();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        this.at += 1;
        const to = this.classAtom();
        if (from === undefined || to === undefined) {
          if (this.unicode) throw new Unsupported('class range');
          unknown = true;
          continue;
        }
        const lo = from.charCodeAt(0);
        const hi = to.charCodeAt(0);
        if (hi < lo) throw new Unsupported('range out of order');
        if (hi - lo >= maxClass) unknown = true;
        else for (let code = lo; code <= hi; code++) chars.add(String.fromCharCode(code));
        continue;
      }
      if (from === undefined) unknown = true;
      else chars.add(from);
    }
    this.at += 1;
    if (negated || unknown || chars.size === 0) return any;
    const folded = new Set<string>();
    for (const c of chars) {
      const info = this.char(c);
      if (!info.exact) return any;
      for (const s of info.exact) folded.add(s);
    }
    return folded.size > maxClass ? any : { exact: folded, clauses: [] };
  }

  /** One class member: a character, or undefined for \d, \w, \s and other sets. */
  private classAtom(): string | undefined {
    const c = this.peek() as string;
    if (c !== '\\') {
      this.at += 1;
      return c;
    }
    this.at += 1;
    const next = this.peek();
    if (next !== undefined && /[dDwWsS]/.test(next)) {
      this.at += 1;
      return undefined;
    }
    if (next === '-') {
      this.at += 1;
      return '-';
    }
    return this.escapedChar(true);
  }
}

/** A clause without literals that contain another of its literals (which is then present too). */
function minimal(clause: Set<string>): string[] {
  const kept: string[] = [];
  for (const literal of [...clause].sort((a, b) => a.length - b.length || (a < b ? -1 : 1))) {
    if (!kept.some((shorter) => literal.includes(shorter))) kept.push(literal);
  }
  return kept;
}

const memo = new WeakMap<RegExp, RequiredLiterals | null>();

/**
 * The literals every match of `re` contains, as clauses (each clause: at least one of its literals
 * occurs in the match); undefined when nothing useful is known, in which case the regex must always run.
 */
export function requiredLiterals(re: RegExp): RequiredLiterals | undefined {
  const cached = memo.get(re);
  if (cached !== undefined) return cached ?? undefined;
  let result: RequiredLiterals | null = null;
  const ignoreCase = re.flags.includes('i');
  if (!re.flags.includes('v') && !(ignoreCase && re.flags.includes('u'))) {
    try {
      const info = new Analyzer(re.source, ignoreCase, re.flags.includes('u')).run();
      const clauses = clausesOf(info)
        .map(minimal)
        // A one-character literal is in almost every text: such a clause filters nothing.
        .filter((clause) => clause.every((literal) => literal.length > 1));
      if (clauses.length > 0) result = { clauses, ignoreCase };
    } catch {
      // A construct this reader does not follow: no requirement, the regex always runs.
      result = null;
    }
  }
  memo.set(re, result);
  return result ?? undefined;
}
