/**
 * Stage 4 engine. All secret detectors run once per scan over every text file; candidates on the same
 * (file, line) are de-duplicated, keeping the most severe and then the most specific rule, and each
 * secret rule returns the candidates it won. Evidence is always masked; messages never quote a secret.
 */

import { lineOfOffset, lineStarts } from '../../line-map.js';
import { fileGate, fileLiteral, fileLiteralHits, type LiteralHits } from '../../literals.js';
import type { Hit, ScanContext } from '../../rule.js';
import type { Severity } from '../../types.js';
import { isPlaceholder, mask, shannonEntropy } from './mask.js';
import { hasSecretlintHint, runSecretlint } from './secretlint.js';

export const secretRuleIds = [
  'secret_private_key',
  'secret_webhook',
  'secret_api_key',
  'secret_aws_key_id',
  'secret_jwt',
  'secret_credentialed_url',
  'secret_secretlint',
  'secret_high_entropy',
  'secret_env_file',
] as const;
export type SecretRuleId = (typeof secretRuleIds)[number];

interface Candidate {
  rule: SecretRuleId;
  file: string;
  line: number;
  severity: Severity;
  message: string;
  evidence: string;
}

/** Findings per file and rule; the last one kept says how many more lines there were. */
const maxHitsPerFile = 20;

const severityRank: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

// --- detectors -------------------------------------------------------------------------------------

type Emit = (
  rule: SecretRuleId,
  offset: number,
  severity: Severity,
  message: string,
  evidence: string,
) => void;

const privateKeyHint = fileLiteral('PRIVATE KEY');

function privateKeys(text: string, hits: LiteralHits, emit: Emit): void {
  if (hits[privateKeyHint] !== 1) return;
  const begin =
    /-----BEGIN ((?:RSA|DSA|EC|OPENSSH|PGP|ENCRYPTED|SSH2 ENCRYPTED) )?PRIVATE KEY(?: BLOCK)?-----/g;
  // The next `-----END` and `-----BEGIN` after the current block (-1 once there is none left); both
  // only move forward, so many BEGIN lines cost linear time.
  let end = -2;
  let next = -2;
  for (let m = begin.exec(text); m !== null; m = begin.exec(text)) {
    const from = m.index + m[0].length;
    if (end !== -1 && end < from) end = text.indexOf('-----END', from);
    if (next !== -1 && next < from) next = text.indexOf('-----BEGIN', from);
    // A key body is a few KB: read up to its END, the next BEGIN or 8 KB, whichever comes first.
    const stop = Math.min(end < 0 ? text.length : end, next < 0 ? text.length : next, from + 8000);
    const raw = text.slice(from, stop);
    if (/\.\.\.|…|<[^>\n]{0,100}>|\$\{|\{\{/.test(raw)) continue;
    const body = raw
      .replace(/\\n/g, '\n')
      .split('\n')
      .filter((line) => !/^\s*[\w-]+:\s/.test(line))
      .join('')
      .replace(/[^A-Za-z0-9+/=]/g, '');
    if (body.length < 64 || isPlaceholder(body.slice(0, 64))) continue;
    const type = (m[1] ?? '').trim() || 'PKCS#8';
    emit(
      'secret_private_key',
      m.index,
      'critical',
      `A ${type} private key block is committed.`,
      `${m[0]} ${mask(body)}`,
    );
  }
}

const webhookPatterns: { name: string; re: RegExp; secretGroup: number }[] = [
  {
    name: 'Slack',
    re: /\bhttps:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9_]{6,}\/[A-Za-z0-9_]{6,}\/)([A-Za-z0-9_]{16,})/g,
    secretGroup: 2,
  },
  {
    name: 'Discord',
    re: /\bhttps:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/(?:v\d+\/)?webhooks\/(\d{15,21}\/)([A-Za-z0-9_-]{40,})/g,
    secretGroup: 2,
  },
  {
    name: 'Microsoft Teams',
    re: /\bhttps:\/\/[a-z0-9-]+\.webhook\.office\.com\/webhookb2\/([0-9a-f-]{36}@[0-9a-f-]{36}\/IncomingWebhook\/)([0-9a-f]{32}\/[0-9a-f-]{36}(?:\/[A-Za-z0-9_-]+)?)/gi,
    secretGroup: 2,
  },
  {
    name: 'Microsoft Teams workflow',
    re: /\bhttps:\/\/[a-z0-9.-]+\.logic\.azure\.com(?::443)?\/workflows\/([0-9a-f]{32}\/triggers\/[^\s"'<>]*?[?&]sig=)([A-Za-z0-9_%-]{20,})/gi,
    secretGroup: 2,
  },
];

const webhookHosts = ['hooks.slack.com', 'discord', 'webhook.office.com', 'logic.azure.com'].map((host) =>
  fileLiteral(host),
);

function webhooks(text: string, hits: LiteralHits, emit: Emit): void {
  if (!webhookHosts.some((host) => hits[host] === 1)) return;
  for (const { name, re, secretGroup } of webhookPatterns) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const secret = m[secretGroup] ?? '';
      if (isPlaceholder(secret) || isPlaceholder(m[1] ?? '')) continue;
      const prefix = m[0].slice(0, m[0].length - secret.length);
      const host = prefix.slice(0, prefix.indexOf('/', 8) + 1);
      emit(
        'secret_webhook',
        m.index,
        'critical',
        `A ${name} webhook URL is committed.`,
        `${host}…/${mask(secret)}`,
      );
    }
  }
}

const apiKeyPatterns: { name: string; re: RegExp; mixed?: boolean }[] = [
  { name: 'Anthropic API key', re: /(?<![\w-])sk-ant-[A-Za-z0-9_-]{32,}/g },
  { name: 'OpenAI API key', re: /(?<![\w-])sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{32,}/g, mixed: true },
  {
    name: 'OpenAI API key',
    re: /(?<![\w-])sk-(?!ant-|proj-|svcacct-|admin-)[A-Za-z0-9]{32,}(?![\w-])/g,
    mixed: true,
  },
  { name: 'Google API key', re: /(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])/g },
  { name: 'GitHub token', re: /(?<![\w-])gh[pousr]_[A-Za-z0-9]{36,255}(?![\w-])/g },
  { name: 'GitHub fine-grained token', re: /(?<![\w-])github_pat_[A-Za-z0-9_]{82}(?![\w-])/g },
  { name: 'Stripe live key', re: /(?<![\w-])(?:sk|rk)_live_[A-Za-z0-9]{20,}(?![\w-])/g },
  { name: 'npm token', re: /(?<![\w-])npm_[A-Za-z0-9]{36}(?![\w-])/g },
  { name: 'Slack token', re: /(?<![\w-])xox[abposr]-[A-Za-z0-9-]{10,}(?![\w-])/g },
];
const apiKeyHint = /sk-|AIza|gh[pousr]_|github_pat_|_live_|npm_|xox[abposr]-/;
const apiKeyGate = fileGate(apiKeyHint);

/** Real keys mix upper case, lower case and digits; kebab-case identifiers that start `sk-` do not. */
function looksMixed(value: string): boolean {
  return /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9]/.test(value) && !value.includes('--');
}

function apiKeys(text: string, hits: LiteralHits, emit: Emit): void {
  if (!apiKeyGate.open(hits) || !apiKeyHint.test(text)) return;
  for (const { name, re, mixed } of apiKeyPatterns) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const key = m[0];
      if (isPlaceholder(key) || (mixed && !looksMixed(key))) continue;
      emit('secret_api_key', m.index, 'critical', `A ${name} is committed.`, mask(key));
    }
  }
}

const awsHints = [fileLiteral('AKIA'), fileLiteral('ASIA')];

function awsKeyIds(text: string, hits: LiteralHits, emit: Emit): void {
  if (!awsHints.some((hint) => hits[hint] === 1)) return;
  const re = /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (isPlaceholder(m[0])) continue; // includes AWS's documented AKIAIOSFODNN7EXAMPLE
    const kind = m[0].startsWith('ASIA') ? 'temporary' : 'long-term';
    emit('secret_aws_key_id', m.index, 'high', `An AWS ${kind} access key id is committed.`, mask(m[0]));
  }
}

function decodeSegment(segment: string): string {
  try {
    return Buffer.from(segment, 'base64url').toString('utf8');
  } catch {
    return '';
  }
}

const jwtHint = fileLiteral('eyJ');

function jwts(text: string, hits: LiteralHits, emit: Emit): void {
  if (hits[jwtHint] !== 1) return;
  const re = /(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const payload = decodeSegment(m[0].split('.')[1] ?? '');
    // jwt.io's sample token ("John Doe", sub 1234567890) is the usual documentation example.
    if (/"sub"\s*:\s*"1234567890"|John Doe/.test(payload) || isPlaceholder(payload)) continue;
    emit('secret_jwt', m.index, 'high', 'A signed JSON Web Token is committed.', mask(m[0]));
  }
}

const localHost =
  /^(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\]|[\w.-]+\.localhost|host\.docker\.internal)$/i;
const documentationHost = /(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid)$/i;
const trivialPassword = /^(?:pass(?:word)?|pwd|secret|user(?:name)?|admin|root|guest|\*+|x+|\.+|_+)$/i;

const schemeHint = fileLiteral('://');
const atHint = fileLiteral('@');

function credentialedUrls(text: string, hits: LiteralHits, emit: Emit): void {
  if (hits[schemeHint] !== 1 || hits[atHint] !== 1) return;
  const re =
    /\b([A-Za-z][A-Za-z0-9+.-]{1,20}):\/\/([^\s:/?#@'"<>`]{1,100}):([^\s/?#@'"<>`]{1,200})@(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9._~-]+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const [, scheme = '', user = '', password = '', host = ''] = m;
    if (localHost.test(host) || documentationHost.test(host)) continue;
    if (password.length < 5 || trivialPassword.test(password) || password === user || isPlaceholder(password))
      continue;
    if (/^%[0-9A-F]{2}/i.test(password) && password.length < 8) continue;
    emit(
      'secret_credentialed_url',
      m.index,
      'critical',
      `A ${scheme} URL with an embedded password is committed.`,
      `${scheme}://${user}:${mask(password)}@${host}`,
    );
  }
}

/**
 * SendGrid keys are `SG.` + 22 + `.` + 43 characters of base64url; secretlint's rule allows no '-' in
 * the middle part and one '-' or '_' in the last, so it misses many real keys. Those are added here.
 */
const sendgridKey = /(?<![\w-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![\w-])/g;

function secretlintReports(path: string, text: string) {
  const reports = runSecretlint(path, text);
  if (!text.includes('SG.')) return reports;
  sendgridKey.lastIndex = 0;
  for (let m = sendgridKey.exec(text); m !== null; m = sendgridKey.exec(text)) {
    const start = m.index;
    if (reports.some((report) => report.range[0] <= start && start < report.range[1])) continue;
    reports.push({ rule: 'sendgrid', messageId: 'SENDGRID_KEY', range: [start, start + m[0].length] });
  }
  return reports;
}

function secretlintFindings(path: string, text: string, hits: LiteralHits, emit: Emit): void {
  if (!hasSecretlintHint(text, hits)) return;
  for (const report of secretlintReports(path, text)) {
    const matched = text.slice(report.range[0], report.range[1]);
    if (matched.length <= 300) {
      if (/\/\/[^/\s]*@(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])/i.test(matched)) continue;
      if (isPlaceholder(matched)) continue;
    }
    const firstLine = matched.split('\n')[0]?.slice(0, 80) ?? '';
    emit(
      'secret_secretlint',
      report.range[0],
      'critical',
      `secretlint ${report.rule}: ${report.messageId}.`,
      mask(firstLine.trim() || matched.slice(0, 80)),
    );
  }
}

const secretName =
  /(key|secret|token|passw(?:or)?d|passwd|pwd|credential|auth|private|signature|salt|cookie|session|bearer|api)/i;
const notSecretName =
  /(public|pub_?key|key_?id\b|keyid|_id\b|Id$|hash|checksum|digest|integrity|sha\d*|fingerprint|uuid|nonce|version|url|uri|path|file|name|type|algorithm|\bkid\b|length|size|count|prefix|header|label|format|continuation|pagination|next_?token|page_?token|cursor|csrf|xsrf|idempotency|sync_?token)/i;

function highEntropy(text: string, startsOf: () => readonly number[], emit: Emit): void {
  const re = /["'`]([A-Za-z0-9+/=_-]{32,})["'`]/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const value = m[1] ?? '';
    const starts = startsOf();
    const line = lineOfOffset(starts, m.index);
    const before = text.slice(Math.max(starts[line - 1] ?? 0, m.index - 200), m.index);
    const assignment = /([A-Za-z_$][\w.$-]*)["']?\s*(?::=|=>|=|:)\s*(?:[\w.]+\(\s*)?$/.exec(before);
    const name = assignment?.[1] ?? '';
    if (!secretName.test(name) || notSecretName.test(name)) continue;
    if (isPlaceholder(value) || !/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) continue;
    const hex = /^[0-9a-fA-F]+$/.test(value);
    // Hex carries at most 4 bits per character, so it is held to 3.0 (as detect-secrets does).
    const entropy = shannonEntropy(value);
    if (entropy < (hex ? 3.0 : 4.0)) continue;
    emit(
      'secret_high_entropy',
      m.index + 1,
      'medium',
      `A high-entropy string (${entropy.toFixed(2)} bits/char, ${value.length} chars) is assigned to "${name}".`,
      `${name}=${mask(value)}`,
    );
  }
}

const envFileName = /^\.env(?:\.[^/]+)?$/i;
const envTemplate = /\.(?:example|sample|template|tpl|dist|defaults?|schema|local\.example)$/i;

function envFile(path: string, text: string, emit: Emit): void {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (!envFileName.test(base) || envTemplate.test(base)) return;
  const re = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*(.*)$/gm;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let value = (m[2] ?? '').trim();
    const quoted = /^(["'`])(.*)\1$/.exec(value);
    value = quoted ? (quoted[2] ?? '') : value.replace(/\s+#.*$/, '').trim();
    if (value === '' || isPlaceholder(value)) continue;
    emit('secret_env_file', m.index, 'high', m[1] ?? '', `${m[1]}=${mask(value)}`);
  }
}

// --- engine ----------------------------------------------------------------------------------------

function candidatesOf(path: string, text: string, hits: LiteralHits): Candidate[] {
  // Line starts are only needed once something is found, which most files never are.
  let starts: number[] | undefined;
  const startsOf = () => {
    starts ??= lineStarts(text);
    return starts;
  };
  const out: Candidate[] = [];
  const emit: Emit = (rule, offset, severity, message, evidence) => {
    out.push({ rule, file: path, line: lineOfOffset(startsOf(), offset), severity, message, evidence });
  };
  privateKeys(text, hits, emit);
  webhooks(text, hits, emit);
  apiKeys(text, hits, emit);
  awsKeyIds(text, hits, emit);
  jwts(text, hits, emit);
  credentialedUrls(text, hits, emit);
  secretlintFindings(path, text, hits, emit);
  highEntropy(text, startsOf, emit);
  envFile(path, text, emit);
  return out;
}

function better(a: Candidate, b: Candidate): Candidate {
  const bySeverity = severityRank[b.severity] - severityRank[a.severity];
  if (bySeverity !== 0) return bySeverity > 0 ? b : a;
  return secretRuleIds.indexOf(b.rule) < secretRuleIds.indexOf(a.rule) ? b : a;
}

/** The de-duplicated secret hits of a scan, by rule; memoised in the scan context. */
export function secretHits(ctx: ScanContext): Map<SecretRuleId, Hit[]> {
  const cached = ctx.cache.get('secrets:hits');
  if (cached) return cached as Map<SecretRuleId, Hit[]>;
  const byRule = new Map<SecretRuleId, Hit[]>(secretRuleIds.map((id) => [id, []]));
  for (const path of ctx.textFiles()) {
    const text = ctx.textOf(path);
    if (text === undefined) continue;
    const best = new Map<number, Candidate>();
    const envLines: Candidate[] = [];
    for (const candidate of candidatesOf(path, text, fileLiteralHits(ctx, path))) {
      if (candidate.rule === 'secret_env_file') envLines.push(candidate);
      const current = best.get(candidate.line);
      best.set(candidate.line, current ? better(current, candidate) : candidate);
    }
    const perRule = new Map<SecretRuleId, Hit[]>();
    for (const winner of [...best.values()].sort((a, b) => a.line - b.line)) {
      if (winner.rule === 'secret_env_file') continue;
      const list = perRule.get(winner.rule) ?? [];
      perRule.set(winner.rule, list);
      list.push({
        message: winner.message,
        file: winner.file,
        line: winner.line,
        evidence: winner.evidence,
        severity: winner.severity,
      });
    }
    for (const [rule, list] of perRule) {
      const kept = list.slice(0, maxHitsPerFile);
      const last = kept[kept.length - 1];
      if (last && list.length > kept.length)
        last.message = `${last.message} (${list.length - kept.length} more lines in this file)`;
      byRule.get(rule)?.push(...kept);
    }
    // A committed .env is one finding, placed on its first value line no other rule claimed.
    const free = envLines.filter((c) => best.get(c.line)?.rule === 'secret_env_file');
    const first = free[0];
    if (first) {
      const names = envLines.map((c) => c.message);
      const shown = names.slice(0, 8).join(', ') + (names.length > 8 ? ', …' : '');
      byRule.get('secret_env_file')?.push({
        message: `A committed environment file sets ${names.length} value(s): ${shown}.`,
        file: path,
        line: first.line,
        evidence: first.evidence,
        severity: first.severity,
      });
    }
  }
  ctx.cache.set('secrets:hits', byRule);
  return byRule;
}

/** Replaces anything a secret detector recognises in a line of text with its masked form. */
export function redactSecrets(line: string): string {
  if (!/[A-Za-z0-9]{16}/.test(line) && !line.includes('://')) return line;
  let out = line;
  for (const { re } of apiKeyPatterns) out = out.replace(new RegExp(re.source, 'g'), (s) => mask(s));
  out = out.replace(/(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g, (s) => mask(s));
  out = out.replace(/eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g, (s) => mask(s));
  out = out.replace(
    /(:\/\/[^\s:/?#@'"<>`]{1,100}:)([^\s/?#@'"<>`]{1,200})@/g,
    (_s, head: string, pw: string) => `${head}${mask(pw)}@`,
  );
  for (const { re, secretGroup } of webhookPatterns) {
    out = out.replace(new RegExp(re.source, re.flags), (s: string, ...groups: unknown[]) => {
      const secret = String(groups[secretGroup - 1] ?? '');
      return `${s.slice(0, s.length - secret.length)}${mask(secret)}`;
    });
  }
  return out;
}
