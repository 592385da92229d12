/**
 * What `publish` leaves out: the patterns of `.agentryignore`, else `.gitignore`, else the defaults —
 * and always `.git`, `node_modules` and local secrets (`secretReason`: no ignore file can re-include them). Patterns follow .gitignore: `*`, `?`, `**`,
 * a leading `/` anchors to the folder, a trailing `/` matches folders only, `!` re-includes.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const defaultIgnores = ['.env', '.env.*', '*.log', '.agentry/', '.DS_Store', '*.tgz', 'agentry.lock'];
const alwaysIgnored = ['.git/', 'node_modules/', '.agentry-tmp-*'];

interface Rule {
  negate: boolean;
  dirOnly: boolean;
  pattern: RegExp;
}

function toRegExp(glob: string, anchored: boolean): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*' && glob[i + 1] === '*') {
      // `**/` matches any number of folders; a trailing `**` matches everything below.
      if (glob[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else out += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${out}(?:/.*)?$`);
}

export function parseIgnore(lines: string[]): Rule[] {
  const rules: Rule[] = [];
  for (const raw of lines) {
    let line = raw.replace(/\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.startsWith('/') || line.includes('/');
    line = line.replace(/^\//, '');
    if (line === '') continue;
    rules.push({ negate, dirOnly, pattern: toRegExp(line, anchored) });
  }
  return rules;
}

export interface IgnoreMatcher {
  source: '.agentryignore' | '.gitignore' | 'defaults';
  ignores(path: string, isDir: boolean): boolean;
}

export function loadIgnore(root: string): IgnoreMatcher {
  const always = parseIgnore(alwaysIgnored);
  let source: IgnoreMatcher['source'] = 'defaults';
  let lines = defaultIgnores;
  for (const name of ['.agentryignore', '.gitignore'] as const) {
    const file = join(root, name);
    if (existsSync(file)) {
      source = name;
      lines = [
        ...readFileSync(file, 'utf8').split(/\r?\n/),
        name === '.gitignore' ? '.gitignore' : '.agentryignore',
      ];
      break;
    }
  }
  const rules = [...parseIgnore(lines), ...always];
  return {
    source,
    ignores(path, isDir) {
      let ignored = false;
      for (const rule of rules) {
        if (rule.dirOnly && !isDir && !rule.pattern.test(path.split('/').slice(0, -1).join('/'))) continue;
        if (rule.pattern.test(path)) ignored = !rule.negate;
      }
      return ignored;
    },
  };
}

const privateKeyNames = /^(?:id_(?:rsa|dsa|ecdsa|ed25519)|.+\.(?:key|p12|pfx))$/i;
const privateKeyText = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const npmCredentials = /(?:^|\n)\s*(?:\/\/[^\n]*:)?_(?:authToken|auth|password)\s*=/;

function readSmall(file: string): string | undefined {
  try {
    return statSync(file).size <= 256 * 1024 ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why a file is a local secret that is never packed, whatever .gitignore or .agentryignore say
 * (a project with its own .gitignore once packed its `.env`); undefined for any other file.
 * `.env.example` and `.env.sample` are templates and are packed.
 */
export function secretReason(root: string, path: string): string | undefined {
  const base = path.split('/').pop() ?? path;
  if (/^\.env(?:\..+)?$/.test(base) && !/^\.env\.(?:example|sample)$/.test(base)) return 'environment file';
  if (privateKeyNames.test(base)) return 'private key';
  if (base === '.npmrc') {
    const text = readSmall(join(root, path));
    return text !== undefined && npmCredentials.test(text) ? 'npm credentials' : undefined;
  }
  const text = readSmall(join(root, path));
  return text !== undefined && privateKeyText.test(text) ? 'private key' : undefined;
}
