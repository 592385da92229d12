/**
 * SCIM 2.0 filters (RFC 7644 §3.4.2.2) and attribute paths (§3.5.2), evaluated over resources as
 * JSON. Covers what identity providers send: `userName eq "…"`, `externalId eq "…"`,
 * `emails[type eq "work"].value eq "…"`, `displayName eq "…"`, `id eq "…" and members[value eq "…"]`,
 * with `and`, `or`, `not (…)`, grouping, and the operators eq ne co sw ew gt ge lt le pr. Attribute
 * names compare case-insensitively, and so do string values (no attribute here is caseExact but ids,
 * which are lower-case UUIDs).
 */
import { AgentryError } from '@agentry/core';

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; inner: FilterNode }
  | { kind: 'compare'; path: string[]; op: string; value: unknown }
  | { kind: 'present'; path: string[] }
  | { kind: 'valuePath'; path: string[]; filter: FilterNode; sub: string[] };

/** A SCIM refusal: the catalogue's code, plus the RFC 7644 `scimType` the SCIM Error response carries. */
export function scimError(
  scimType: string,
  message: string,
  code: 'bad_request' | 'conflict' = 'bad_request',
) {
  return Object.assign(new AgentryError(code, { message }), { scimType });
}

/** The `scimType` a thrown error carries, if it is a SCIM refusal. */
export function scimTypeOf(error: unknown): string | undefined {
  const value = (error as { scimType?: unknown } | null)?.scimType;
  return typeof value === 'string' ? value : undefined;
}

const operators = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

type Token = { type: 'word' | 'string' | 'punct'; text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === '[' || ch === ']') {
      tokens.push({ type: 'punct', text: ch });
      i += 1;
    } else if (ch === '"' || ch === "'") {
      let j = i + 1;
      let text = '';
      while (j < input.length && input[j] !== ch) {
        if (input[j] === '\\' && j + 1 < input.length) j += 1;
        text += input[j];
        j += 1;
      }
      if (j >= input.length) throw scimError('invalidFilter', 'unterminated string in filter');
      tokens.push({ type: 'string', text });
      i = j + 1;
    } else {
      let j = i;
      while (j < input.length && !/[\s()[\]"']/.test(input[j] as string)) j += 1;
      tokens.push({ type: 'word', text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

/** `urn:…:User:department` stays one segment after the URN; otherwise dots separate sub-attributes. */
export function splitAttrPath(text: string): string[] {
  const urn = /^(urn:[^ ]+):([^:.]+)(?:\.(.+))?$/i.exec(text);
  if (urn && text.toLowerCase().startsWith('urn:')) {
    return [urn[1] as string, urn[2] as string, ...(urn[3] ? (urn[3] as string).split('.') : [])];
  }
  return text.split('.');
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.or();
    if (this.at < this.tokens.length) throw scimError('invalidFilter', 'unexpected text after the filter');
    return node;
  }

  private peekWord(): string | undefined {
    const token = this.tokens[this.at];
    return token?.type === 'word' ? token.text.toLowerCase() : undefined;
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.peekWord() === 'or') {
      this.at += 1;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): FilterNode {
    let left = this.unary();
    while (this.peekWord() === 'and') {
      this.at += 1;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private expect(text: string) {
    const token = this.tokens[this.at];
    if (token?.type !== 'punct' || token.text !== text)
      throw scimError('invalidFilter', `expected "${text}"`);
    this.at += 1;
  }

  private unary(): FilterNode {
    if (this.peekWord() === 'not') {
      this.at += 1;
      this.expect('(');
      const inner = this.or();
      this.expect(')');
      return { kind: 'not', inner };
    }
    const token = this.tokens[this.at];
    if (token?.type === 'punct' && token.text === '(') {
      this.at += 1;
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (token?.type !== 'word') throw scimError('invalidFilter', 'expected an attribute');
    this.at += 1;
    const next = this.tokens[this.at];
    if (next?.type === 'punct' && next.text === '[') {
      this.at += 1;
      const filter = this.or();
      this.expect(']');
      // `emails[type eq "work"].value eq "x"`: the sub-attribute arrives glued to `]` as `.value`.
      const after = this.tokens[this.at];
      let sub: string[] = [];
      if (after?.type === 'word' && after.text.startsWith('.')) {
        sub = after.text.slice(1).split('.');
        this.at += 1;
      }
      const valuePath: FilterNode = { kind: 'valuePath', path: splitAttrPath(token.text), filter, sub };
      if (sub.length === 0) return valuePath;
      return this.comparison([...splitAttrPath(token.text), ...sub], valuePath);
    }
    return this.comparison(splitAttrPath(token.text));
  }

  private comparison(path: string[], scope?: FilterNode & { kind: 'valuePath' }): FilterNode {
    const op = this.peekWord();
    if (!op) throw scimError('invalidFilter', 'expected an operator');
    this.at += 1;
    let node: FilterNode;
    if (op === 'pr') node = { kind: 'present', path };
    else {
      if (!operators.has(op)) throw scimError('invalidFilter', `unknown operator "${op}"`);
      const value = this.tokens[this.at];
      if (!value) throw scimError('invalidFilter', 'expected a value');
      this.at += 1;
      node = { kind: 'compare', path, op, value: literal(value) };
    }
    if (!scope) return node;
    // Rewrite `a[f].b op v` as "some element of a matches f and has b op v".
    const inner = node.kind === 'present' ? { ...node, path: scope.sub } : { ...node, path: scope.sub };
    return {
      kind: 'valuePath',
      path: scope.path,
      filter: { kind: 'and', left: scope.filter, right: inner },
      sub: [],
    };
  }
}

function literal(token: Token): unknown {
  if (token.type === 'string') return token.text;
  if (token.type !== 'word') throw scimError('invalidFilter', 'expected a value');
  const word = token.text.toLowerCase();
  if (word === 'true') return true;
  if (word === 'false') return false;
  if (word === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(word)) return Number(word);
  throw scimError('invalidFilter', `expected a value, got "${token.text.slice(0, 40)}"`);
}

export function parseFilter(text: string): FilterNode {
  if (text.length > 2000) throw scimError('invalidFilter', 'filter too long');
  return new Parser(tokenize(text)).parse();
}

/** The values at `path` (case-insensitive names), flattening multi-valued attributes. */
export function valuesAt(resource: unknown, path: string[]): unknown[] {
  let current: unknown[] = [resource];
  for (const segment of path) {
    const next: unknown[] = [];
    for (const item of current) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
      const key = Object.keys(item).find((k) => k.toLowerCase() === segment.toLowerCase());
      if (key === undefined) continue;
      const value = (item as Record<string, unknown>)[key];
      if (Array.isArray(value)) next.push(...value);
      else next.push(value);
    }
    current = next;
  }
  return current.filter((value) => value !== undefined && value !== null);
}

function compare(actual: unknown, op: string, expected: unknown): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') {
    const a = actual.toLowerCase();
    const b = expected.toLowerCase();
    switch (op) {
      case 'eq':
        return a === b;
      case 'ne':
        return a !== b;
      case 'co':
        return a.includes(b);
      case 'sw':
        return a.startsWith(b);
      case 'ew':
        return a.endsWith(b);
      case 'gt':
        return a > b;
      case 'ge':
        return a >= b;
      case 'lt':
        return a < b;
      case 'le':
        return a <= b;
    }
  }
  // Booleans sometimes arrive as strings ("True"), as Entra sends them.
  if (typeof actual === 'boolean' && typeof expected === 'string') {
    return compare(actual, op, expected.toLowerCase() === 'true');
  }
  if (op === 'eq') return actual === expected;
  if (op === 'ne') return actual !== expected;
  if (typeof actual === 'number' && typeof expected === 'number') {
    return op === 'gt'
      ? actual > expected
      : op === 'ge'
        ? actual >= expected
        : op === 'lt'
          ? actual < expected
          : op === 'le'
            ? actual <= expected
            : false;
  }
  return false;
}

export function matchesFilter(resource: unknown, node: FilterNode): boolean {
  switch (node.kind) {
    case 'and':
      return matchesFilter(resource, node.left) && matchesFilter(resource, node.right);
    case 'or':
      return matchesFilter(resource, node.left) || matchesFilter(resource, node.right);
    case 'not':
      return !matchesFilter(resource, node.inner);
    case 'present':
      return valuesAt(resource, node.path).some(
        (value) => value !== '' && !(Array.isArray(value) && value.length === 0),
      );
    case 'compare': {
      const values = valuesAt(resource, node.path);
      if (node.op === 'ne')
        return values.length === 0 || values.every((value) => compare(value, 'ne', node.value));
      return values.some((value) => compare(value, node.op, node.value));
    }
    case 'valuePath':
      return valuesAt(resource, node.path).some((element) => matchesFilter(element, node.filter));
  }
}

/** A PATCH path: `attr`, `attr.sub`, `urn:…:attr`, or `attr[filter]` optionally followed by `.sub`. */
export interface PatchPath {
  attr: string[];
  filter?: FilterNode;
  sub?: string;
}

export function parsePatchPath(text: string): PatchPath {
  const bracket = text.indexOf('[');
  if (bracket === -1) return { attr: splitAttrPath(text.trim()) };
  const close = text.lastIndexOf(']');
  if (close < bracket) throw scimError('invalidPath', `malformed path "${text.slice(0, 80)}"`);
  const rest = text.slice(close + 1).trim();
  if (rest !== '' && !/^\.[A-Za-z][\w$-]*$/.test(rest))
    throw scimError('invalidPath', `malformed path "${text.slice(0, 80)}"`);
  return {
    attr: splitAttrPath(text.slice(0, bracket).trim()),
    filter: parseFilter(text.slice(bracket + 1, close)),
    ...(rest ? { sub: rest.slice(1) } : {}),
  };
}
