/**
 * Runs the rules of secretlint's preset-recommend over one file, synchronously.
 *
 * Why not `lintSource` from @secretlint/core: a scanner rule's `check` is synchronous and `lintSource`
 * returns a promise; and every `lintSource` call leaves about 36 `performance.mark` entries in Node's
 * global timeline plus as many objects in secretlint's profiler that are never cleared (measured: 20 000
 * calls → 720 000 marks, +130 MB heap), which a long-running registry server cannot afford. The preset's
 * rules themselves are synchronous functions behind secretlint's public rule API
 * (`create(context, options).file(source)` reporting through `context.report`), so they are driven here
 * with a minimal context. Only the report's range is kept: secretlint's message text contains the raw
 * secret, so findings are worded and masked by the caller. The `filter-comments` rule is left out: a
 * published artifact must not be able to switch the registry's scan off with a `secretlint-disable`
 * comment. test/scanner/secrets.test.ts checks this driver against `lintSource` with `maskSecrets: true`.
 */
import { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend';
import { fileGate, fileLiteral, type LiteralHits, scanFileLiterals } from '../../literals.js';

export interface SecretlintReport {
  /** The reporting rule without its `@secretlint/secretlint-rule-` prefix, e.g. `github`. */
  rule: string;
  messageId: string;
  range: [number, number];
}

interface RuleContext {
  sharedOptions: Record<string, unknown>;
  createTranslator(
    messages: unknown,
  ): (messageId: string, data?: unknown) => { message: string; messageId: string; data?: unknown };
  report(descriptor: { message: { messageId: string }; range: readonly [number, number] }): void;
  ignore(descriptor: unknown): void;
}

interface RuleCreator {
  meta: { id: string; supportedContentTypes: readonly string[] };
  create(context: RuleContext, options: Record<string, unknown>): { file?: (source: unknown) => unknown };
}

const skipped = new Set(['@secretlint/secretlint-rule-filter-comments']);
const creators = (presetRules as unknown as RuleCreator[]).filter((rule) => !skipped.has(rule.meta.id));

/** Cheap signs that a file may hold something preset-recommend looks for; other files are not linted. */
const tokenHint =
  /-----BEGIN|AKIA|ASIA|gh[pousr]_|github_pat_|xox[a-z]-|sk-|sk_live|rk_live|npm_|_authToken|AIza|eyJ|SG\.|shp(?:at|ss|ca|pa)_|lin_api_|ops_/;
const wordHint = /aws.?secret|secret.?access|private_key/i;
const urlCredentials = /:\/\/[^\s/@]*:[^\s/@]*@/;
const discord = /discord/i;
const tokenGate = fileGate(tokenHint);
const wordGate = fileGate(wordHint);
const discordGate = fileGate(discord);
const slackHint = fileLiteral('hooks.slack.com');
const schemeHint = fileLiteral('://');
const atHint = fileLiteral('@');

/** `hits`: the literals the file contains (see literals.ts); the hint regexes only run when theirs are there. */
export function hasSecretlintHint(text: string, hits: LiteralHits = scanFileLiterals(text)): boolean {
  if (tokenGate.open(hits) && tokenHint.test(text)) return true;
  if (hits[slackHint] === 1 || (discordGate.open(hits) && discord.test(text))) return true;
  if (hits[schemeHint] === 1 && hits[atHint] === 1 && urlCredentials.test(text)) return true;
  return wordGate.open(hits) && wordHint.test(text);
}

export function runSecretlint(path: string, content: string): SecretlintReport[] {
  const dot = path.lastIndexOf('.');
  const ext = dot > path.lastIndexOf('/') ? path.slice(dot) : '';
  // `.p12` makes the GCP rule read the file from disk; text files never need it.
  const source = {
    content,
    filePath: path,
    ext: ext.toLowerCase() === '.p12' ? '' : ext,
    contentType: 'text' as const,
  };
  const out: SecretlintReport[] = [];
  for (const creator of creators) {
    const name = creator.meta.id.replace('@secretlint/secretlint-rule-', '');
    const context: RuleContext = {
      sharedOptions: {},
      createTranslator: () => (messageId, data) => ({ message: messageId, messageId, data }),
      report: (descriptor) => {
        out.push({
          rule: name,
          messageId: descriptor.message.messageId,
          range: [descriptor.range[0], descriptor.range[1]],
        });
      },
      ignore: () => {},
    };
    const handler = creator.create(context, {}).file;
    if (!handler) continue;
    const result = handler(source);
    // No rule of the preset is asynchronous for text files; be safe if one ever is.
    if (result && typeof (result as Promise<unknown>).catch === 'function')
      (result as Promise<unknown>).catch(() => {});
  }
  return out;
}
