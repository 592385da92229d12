/** Stage 4 (secrets): masking, placeholders, de-duplication, the secretlint driver and throughput. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '@agentry/core';
import { type ArchiveEntry, createScanContext, rules, runRules } from '@agentry/core/scanner';
import { lintSource } from '@secretlint/core';
import { creator as presetRecommend } from '@secretlint/secretlint-rule-preset-recommend';
import { describe, expect, it } from 'vitest';
import { isPlaceholder, mask, shannonEntropy } from '../../src/scanner/rules/secrets/mask.js';
import { hasSecretlintHint, runSecretlint } from '../../src/scanner/rules/secrets/secretlint.js';
import { fixturesRoot, loadFixture } from './fixtures.js';

const secretRules = rules.filter((rule) => rule.stage === 'secrets');
const injectionRules = rules.filter((rule) => rule.stage === 'injection');

function entry(path: string, text: string): ArchiveEntry {
  const content = Buffer.from(text);
  return { path, content, size: content.length, sha256: '', mode: 0o644 };
}

function scan(files: Record<string, string>): Finding[] {
  const map = new Map(Object.entries(files).map(([path, text]) => [path, entry(path, text)]));
  return runRules(createScanContext(map, 'skill', undefined), secretRules).findings;
}

function summary(files: Record<string, string>): string[] {
  return scan(files).map((f) => `${f.rule}:${f.severity}@${f.file}:${f.line}`);
}

/** Deterministic random-looking strings, so no test holds a literal secret. */
function fake(
  seed: number,
  length: number,
  alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
) {
  let state = seed;
  let out = '';
  while (out.length < length) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out += alphabet[(state >>> 8) % alphabet.length];
  }
  return out;
}

const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const github = `ghp_${fake(1, 36)}`;
const openai = `sk-proj-${fake(2, 48)}`;
const anthropic = `sk-ant-api03-${fake(3, 93)}`;
const google = `AIza${fake(4, 35)}`;
const npmToken = `npm_${fake(5, 36)}`;
const stripe = `sk_live_${fake(6, 24)}`;
const awsId = `AKIA${fake(7, 16, upper)}`;
const password = fake(8, 14);

describe('masking', () => {
  it('keeps the first four characters and stars the rest', () => {
    expect(mask('ghp_abcdefghij')).toBe('ghp_**********');
    expect(mask(github)).toBe(`ghp_${'*'.repeat(24)}`);
  });

  it('shows at most a third of a short value', () => {
    expect(mask('hunter2x')).toBe('hu******');
    expect(mask('abc')).toBe('a****');
  });

  it('never puts a raw secret in any field of any finding of the positive fixtures', () => {
    const secretOf: Record<string, RegExp> = {
      secret_secretlint: /aws_secret_access_key = (\S+)/,
      secret_aws_key_id: /(AKIA[A-Z0-9]{16})/,
      secret_private_key: /-----BEGIN RSA PRIVATE KEY-----\n([\s\S]+?)\n-----END/,
      secret_credentialed_url: /postgres:\/\/app_user:([^@]+)@/,
      secret_jwt: /"serviceToken": "([^"]+)"/,
      secret_webhook: /https:\/\/hooks\.slack\.com\/services\/\w+\/\w+\/(\w+)/,
      secret_api_key: /'(sk-proj-[^']+)'/,
      secret_env_file: /DATABASE_PASSWORD=(\S+)/,
      secret_high_entropy: /SIGNING_SECRET = "([^"]+)"/,
    };
    for (const rule of secretRules) {
      const fixture = loadFixture(join(fixturesRoot, rule.id, 'positive'));
      const texts = [...fixture.files.values()].map((file) => file.content.toString('utf8')).join('\n');
      const pattern = secretOf[rule.id];
      expect(pattern, `no secret pattern for ${rule.id}`).toBeDefined();
      const secret = pattern?.exec(texts)?.[1];
      expect(secret, rule.id).toBeDefined();
      const ctx = createScanContext(fixture.files, fixture.kind, fixture.permissions);
      const findings = runRules(ctx, [...secretRules, ...injectionRules]).findings;
      expect(findings.some((f) => f.rule === rule.id)).toBe(true);
      const json = JSON.stringify(findings);
      expect(json.includes(secret ?? ''), `${rule.id} leaks its secret`).toBe(false);
      // Nor any 12-character piece of it.
      for (let i = 0; i + 12 <= (secret ?? '').length; i += 6)
        expect(json).not.toContain(secret?.slice(i, i + 12));
    }
  });

  it('masks every kind of secret in evidence and messages', () => {
    const text = [
      `GITHUB=${github}`,
      `OPENAI=${openai}`,
      `ANTHROPIC=${anthropic}`,
      `GOOGLE=${google}`,
      `NPM=${npmToken}`,
      `STRIPE=${stripe}`,
      `AWS=${awsId}`,
      `DB=mysql://app:${password}@db.internal/app`,
    ].join('\n');
    const findings = scan({ 'deploy/settings.conf': text });
    expect(findings.map((f) => f.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const json = JSON.stringify(findings);
    for (const secret of [github, openai, anthropic, google, npmToken, stripe, awsId, password])
      expect(json).not.toContain(secret);
  });
});

describe('detection', () => {
  it('reports each format with its rule, severity and line', () => {
    expect(
      summary({
        'config/app.ts': [
          '// settings',
          `export const key = '${openai}';`,
          `const anthropic = "${anthropic}";`,
          `const token = "${github}";`,
        ].join('\n'),
        'scripts/s3.sh': `export AWS_ACCESS_KEY_ID=ASIA${fake(9, 16, upper)}\n`,
      }),
    ).toEqual([
      'secret_api_key:critical@config/app.ts:2',
      'secret_api_key:critical@config/app.ts:3',
      'secret_api_key:critical@config/app.ts:4',
      'secret_aws_key_id:high@scripts/s3.sh:1',
    ]);
  });

  it('finds a Discord webhook and a Slack token', () => {
    const discord = `https://discord.com/api/webhooks/${fake(10, 18, '0123456789')}/${fake(11, 68)}`;
    const slack = `xoxb-${fake(12, 12, '0123456789')}-${fake(13, 12, '0123456789')}-${fake(14, 24)}`;
    expect(summary({ 'hooks/post.sh': `URL=${discord}\nSLACK_BOT_TOKEN=${slack}\n` })).toEqual([
      'secret_webhook:critical@hooks/post.sh:1',
      'secret_api_key:critical@hooks/post.sh:2',
    ]);
  });

  it('uses secretlint for formats without an own rule (AWS secret access key, SendGrid)', () => {
    const sendgrid = `SG.${fake(15, 22)}.${fake(16, 43)}`;
    expect(
      summary({ 'config/mail.ini': `aws_secret_access_key = ${fake(17, 40)}\nsendgrid = ${sendgrid}\n` }),
    ).toEqual([
      'secret_secretlint:critical@config/mail.ini:1',
      'secret_secretlint:critical@config/mail.ini:2',
    ]);
  });

  it('does not let a secretlint-disable comment switch the scan off', () => {
    const text = `# secretlint-disable\naws_secret_access_key = ${fake(18, 40)}\n# secretlint-enable\n`;
    expect(summary({ 'config/creds.ini': text })).toEqual(['secret_secretlint:critical@config/creds.ini:2']);
  });

  it('measures entropy in bits per character', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
    expect(shannonEntropy(fake(19, 64))).toBeGreaterThan(4.5);
  });

  it('flags high-entropy values only under secret-like names', () => {
    const value = fake(20, 40);
    expect(summary({ 'app/settings.py': `SESSION_SECRET = "${value}"\n` })).toEqual([
      'secret_high_entropy:medium@app/settings.py:1',
    ]);
    expect(summary({ 'app/settings.py': `CACHE_PREFIX = "${value}"\nPUBLIC_KEY = "${value}"\n` })).toEqual(
      [],
    );
    expect(summary({ 'app/settings.py': `SESSION_SECRET = "${'ab12'.repeat(10)}"\n` })).toEqual([]);
  });
});

describe('placeholders and examples are ignored', () => {
  it.each([
    ['OPENAI_API_KEY=sk-your-api-key-here', 'openai placeholder'],
    ['OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'repeated x'],
    ['token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'GitHub x-es'],
    ['token: <ghp_your_token_here>', 'angle brackets'],
    ['AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE', 'AWS example id'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AWS example secret'],
    ['DATABASE_URL=postgres://postgres:postgres@localhost:5432/dev', 'localhost URL'],
    ['DATABASE_URL=postgres://app:s3cr3tPassw0rd@127.0.0.1:5432/dev', '127.0.0.1 URL'],
    ['DATABASE_URL=mysql://root:changeme@db.internal/app', 'changeme'],
    [`REMOTE=https://bot:\${GITHUB_TOKEN}@github.com/acme/repo.git`, 'variable'],
    ['REMOTE=https://bot:{{ token }}@github.com/acme/repo.git', 'template'],
    ['SIGNING_SECRET = "dummy-signing-secret-value-for-local-dev-1"', 'dummy'],
    ['SIGNING_SECRET = "00000000000000000000000000000000000000"', 'repeated zeros'],
    [`API_KEY = "\${API_KEY}"`, 'variable value'],
    ['SLACK=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'Slack doc URL'],
    [
      'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      'jwt.io sample',
    ],
    ['-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----', 'elided key'],
  ])('%s (%s)', (text) => {
    expect(summary({ 'config/app.env.conf': `${text}\n` })).toEqual([]);
  });

  it('recognises placeholder shapes', () => {
    for (const value of [
      'your_api_key_here',
      'xxx-xxx-xxx',
      '<API_KEY>',
      `\${VAR}`,
      '{{secret}}',
      'changeme',
      'aaaaaaaa',
    ])
      expect(isPlaceholder(value), value).toBe(true);
    expect(isPlaceholder(fake(21, 32))).toBe(false);
  });

  it('ignores .env templates and empty values, and reports a real .env once', () => {
    expect(summary({ '.env.example': `API_KEY=${fake(22, 32)}\n`, '.env.sample': 'TOKEN=\n' })).toEqual([]);
    expect(summary({ '.env': 'API_KEY=\nPORT=3000\n' })).toEqual([]);
    const findings = scan({ '.env': `A=${fake(23, 20)}\nB=${fake(24, 20)}\nC=${fake(25, 20)}\n` });
    expect(findings.map((f) => `${f.rule}@${f.line}`)).toEqual(['secret_env_file@1']);
    expect(findings[0]?.message).toContain('3 value(s): A, B, C');
  });

  it('turns secrets in example, test and docs paths into info', () => {
    const findings = scan({
      'docs/setup.md': `token: ${github}\n`,
      'examples/app.ts': `const k = '${openai}';\n`,
    });
    expect(findings.map((f) => f.severity)).toEqual(['info', 'info']);
  });
});

describe('de-duplication', () => {
  it('keeps one finding per line, preferring the most specific rule', () => {
    // secretlint (github), secret_api_key and secret_high_entropy all match this line.
    const findings = scan({ 'config/ci.ts': `export const GITHUB_TOKEN = "${github}";\n` });
    expect(findings.map((f) => `${f.rule}:${f.severity}@${f.line}`)).toEqual(['secret_api_key:critical@1']);
  });

  it('prefers the more severe finding when two secrets share a line', () => {
    const line = `aws_access_key_id=${awsId} aws_secret_access_key=${fake(26, 40)}`;
    expect(summary({ 'config/creds': line })).toEqual(['secret_secretlint:critical@config/creds:1']);
  });

  it('reports a database URL once, under secret_credentialed_url', () => {
    expect(
      summary({ 'config/db.yml': `url: postgres://app:${password}@db.prod.internal:5432/app\n` }),
    ).toEqual(['secret_credentialed_url:critical@config/db.yml:1']);
  });
});

describe('the secretlint driver', () => {
  it('reports what lintSource reports (maskSecrets: true), without its raw messages', async () => {
    const samples: [string, string][] = [
      ['config/creds.ini', `aws_secret_access_key = ${fake(27, 40)}\n`],
      [
        'hooks/notify.sh',
        `curl https://hooks.slack.com/services/T${fake(28, 8, upper)}/B${fake(29, 10, upper)}/${fake(30, 24)}\n`,
      ],
      ['src/db.ts', `const url = 'mysql://app:${password}@db.internal/app';\n`],
      ['.npmrc', `//registry.npmjs.org/:_authToken=${npmToken}\n`],
      ['config/keys.txt', `${github}\n${anthropic}\n`],
      ['README.md', 'Nothing secret here.\n'],
    ];
    for (const [path, content] of samples) {
      const viaCore = await lintSource({
        source: { filePath: path, content, contentType: 'text', ext: path.slice(path.lastIndexOf('.')) },
        options: {
          config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: presetRecommend }] },
          maskSecrets: true,
          noPhysicFilePath: true,
        },
      });
      const expected = viaCore.messages.map(
        (m) => `${m.ruleId.replace('@secretlint/secretlint-rule-', '')}:${m.messageId}:${m.range.join('-')}`,
      );
      const actual = runSecretlint(path, content).map((r) => `${r.rule}:${r.messageId}:${r.range.join('-')}`);
      expect(actual.sort(), path).toEqual(expected.sort());
      expect(JSON.stringify(viaCore.messages)).not.toContain(password);
    }
  });

  it('is only called on files with a hint of a secret', () => {
    expect(hasSecretlintHint('# Title\n\nPlain text with https://example.com/a@b links.')).toBe(false);
    expect(hasSecretlintHint('url: https://user:pw@host/x')).toBe(true);
    expect(hasSecretlintHint(`token ${github}`)).toBe(true);
  });
});

describe('throughput', () => {
  it('prints MB/s of the injection and secret rules over about 10 MB of Markdown and config', () => {
    const markdown = [
      '## Usage\n\nUse this skill when the user asks to format Markdown. You must keep headings short and always run the linter before committing.',
      '- Read the file the user points at and list its sections.\n- Act as a code reviewer and explain each change.',
      '| Column | Meaning |\n|---|---|\n| name | The artifact name |\n| version | A semver version |',
      '```bash\nsudo apt-get install -y jq\nnpm test -- --run\n```',
      'Call `format(path)`; see https://docs.acme.dev/format for the options. Never commit secrets.',
      'This skill detects prompt injection like "ignore previous instructions" and reports it to the user.',
      '<!-- markdownlint-disable MD013 -->\n[//]: # (Keep in sync with the style guide.)',
    ];
    const config = [
      `server:\n  port: 8080\n  url: postgres://postgres:postgres@localhost:5432/dev\n  api_key: \${API_KEY}`,
      '{"name": "skill", "version": "1.0.0", "apiKey": "your_api_key_here", "checksum": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}',
      'API_URL=https://api.acme.dev\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nLOG_LEVEL=debug',
      'export const settings = { retries: 3, timeoutMs: 5000, sessionCookie: "sid", openaiKey: process.env.OPENAI_API_KEY };',
    ];
    const build = (parts: string[], bytes: number) => {
      const out: string[] = [];
      let size = 0;
      for (let i = 0; size < bytes; i++) {
        const part = parts[i % parts.length] ?? '';
        out.push(part);
        size += part.length + 2;
      }
      return out.join('\n\n');
    };
    const files = new Map<string, ArchiveEntry>();
    for (let i = 0; i < 50; i++)
      files.set(`skills/s${i}/SKILL.md`, entry(`skills/s${i}/SKILL.md`, build(markdown, 100_000)));
    for (let i = 0; i < 25; i++)
      files.set(`prompts/p${i}.yaml`, entry(`prompts/p${i}.yaml`, build(config, 100_000)));
    for (let i = 0; i < 25; i++)
      files.set(`config/c${i}.json`, entry(`config/c${i}.json`, build(config, 100_000)));
    const bytes = [...files.values()].reduce((sum, file) => sum + file.size, 0);
    const measure = (label: string, set: typeof rules) => {
      const ctx = createScanContext(files, 'skill', undefined);
      const started = performance.now();
      const { findings } = runRules(ctx, set);
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `${label}: ${(bytes / 1e6).toFixed(1)} MB in ${(seconds * 1000).toFixed(0)} ms = ${(bytes / 1e6 / seconds).toFixed(1)} MB/s (${findings.length} findings)`,
      );
      return findings;
    };
    measure('injection + secrets (cold)', [...injectionRules, ...secretRules]);
    measure('injection only', injectionRules);
    measure('secrets only', secretRules);
    const findings = measure('injection + secrets', [...injectionRules, ...secretRules]);
    expect(findings).toEqual([]);
  });
});

it('keeps the fixture secrets out of example paths, so the positive cases are not downgraded', () => {
  for (const rule of secretRules) {
    const dir = join(fixturesRoot, rule.id, 'positive');
    const fixture = loadFixture(dir);
    expect(
      [...fixture.files.keys()].some((path) => /(^|\/)(tests?|examples?|docs?|fixtures?)\//.test(path)),
    ).toBe(false);
    expect(readFileSync(join(dir, [...fixture.files.keys()][0] ?? ''), 'utf8').length).toBeGreaterThan(0);
  }
});
