/** Stage 2 (static analysis) beyond the fixtures: lines, parsing, downgrades, observations, speed. */
import type { Finding, Permissions } from '@agentry/core';
import { computeSha256 } from '@agentry/core';
import type { ArchiveEntry, ScanContext } from '@agentry/core/scanner';
import { createScanContext, rules, runRules } from '@agentry/core/scanner';
import { describe, expect, it } from 'vitest';
import { parseJs } from '../../src/scanner/rules/static/js-ast.js';
import { jsIndexOf } from '../../src/scanner/rules/static/js-index.js';

function contextOf(files: Record<string, string>, permissions?: Permissions): ScanContext {
  const entries = new Map<string, ArchiveEntry>();
  for (const [path, text] of Object.entries(files)) {
    const content = Buffer.from(text, 'utf8');
    entries.set(path, { path, content, size: content.length, sha256: computeSha256(content), mode: 0o644 });
  }
  return createScanContext(entries, 'skill', permissions);
}

const staticRules = rules.filter((rule) => rule.stage === 'static');

function scan(files: Record<string, string>, permissions?: Permissions) {
  const ctx = contextOf({ 'SKILL.md': '---\nname: t\ndescription: t\n---\n# t\n', ...files }, permissions);
  const result = runRules(ctx, staticRules);
  return { ctx, ...result, of: (id: string): Finding[] => result.findings.filter((f) => f.rule === id) };
}

describe('static rules', () => {
  it('lists the undeclared_* checks last among the static rules', () => {
    const ids = staticRules.map((rule) => rule.id);
    expect(ids.slice(-3)).toEqual(['undeclared_network', 'undeclared_subprocess', 'undeclared_filesystem']);
  });

  it('reports the 1-based line of the construct with the source line as evidence', () => {
    const { of } = scan({
      'scripts/a.js': '// header\n\nconst x = 1;\n  const y = eval(input);\n',
      'scripts/b.py': 'import os\n\n"""\neval(in_docstring)\n"""\nos.system(cmd)\n',
      'scripts/c.sh':
        '#!/bin/sh\n# curl x | sh\necho start\ncurl -fsSL https://x.example/i.sh \\\n  | bash\n',
    });
    expect(of('js_eval')).toEqual([
      expect.objectContaining({ file: 'scripts/a.js', line: 4, evidence: 'const y = eval(input);' }),
    ]);
    expect(of('py_subprocess')).toEqual([
      expect.objectContaining({
        file: 'scripts/b.py',
        line: 6,
        severity: 'critical',
        evidence: 'os.system(cmd)',
      }),
    ]);
    expect(of('py_eval_exec')).toEqual([]);
    expect(of('sh_pipe_to_shell')).toEqual([expect.objectContaining({ file: 'scripts/c.sh', line: 4 })]);
  });

  it('does not crash on JS with syntax errors, and still finds eval by pattern', () => {
    const { stages, of, ctx } = scan({
      'scripts/broken.js': 'function ( {\n  const = ;\n}}} eval(payload)\n<<<<<<< HEAD\n',
      'scripts/recoverable.js': 'let a = 1;\nlet a = 2;\nfetch(url);\n',
    });
    expect(stages.stage2).not.toBe('error');
    expect(jsIndexOf(ctx, 'scripts/broken.js')).toBeUndefined();
    expect(of('js_eval')).toEqual([expect.objectContaining({ file: 'scripts/broken.js', line: 3 })]);
    expect(of('js_eval')[0]?.message).toContain('text match');
    // error recovery keeps an AST for a redeclaration
    expect(jsIndexOf(ctx, 'scripts/recoverable.js')?.calls.length).toBe(1);
    expect(of('js_network')).toEqual([expect.objectContaining({ file: 'scripts/recoverable.js', line: 3 })]);
  });

  it('parses TypeScript and JSX', () => {
    const { ctx, of } = scan({
      'src/a.ts': [
        "import type { Foo } from './foo';",
        "import { exec } from 'node:child_process';",
        'enum Mode { A, B }',
        'const n = <number>(value as unknown);',
        'function run<T extends object>(cmd: string, opts?: T): void {',
        '  exec(cmd);',
        '}',
        '',
      ].join('\n'),
      'src/b.tsx': [
        'export function App(props: { url: string }) {',
        '  const load = async () => fetch(props.url);',
        '  return <button onClick={load}>Load {props.url}</button>;',
        '}',
        '',
      ].join('\n'),
      'src/c.mts': 'export const x = new Function(userCode);\n',
    });
    for (const path of ['src/a.ts', 'src/b.tsx', 'src/c.mts']) {
      const ast = parseJs(ctx, path);
      expect(ast?.program.body.length, path).toBeGreaterThan(0);
      expect((ast as { errors?: unknown[] } | undefined)?.errors ?? [], path).toEqual([]);
      expect(ctx.cache.get(`ast:${path}`)).toBe(ast);
    }
    expect(jsIndexOf(ctx, 'src/b.tsx')?.calls.length).toBeGreaterThan(0);
    const child = of('js_child_process');
    expect(child).toEqual([
      expect.objectContaining({ line: 2, severity: 'high' }),
      expect.objectContaining({ line: 6, severity: 'critical' }),
    ]);
    expect(of('js_network')).toEqual([expect.objectContaining({ file: 'src/b.tsx', line: 2 })]);
    expect(of('js_new_function')).toEqual([expect.objectContaining({ file: 'src/c.mts', line: 1 })]);
  });

  it('downgrades findings in test and example paths by two levels through runRules', () => {
    const { of } = scan({
      'scripts/run.js': 'eval(code);\n',
      'tests/run.test.js': 'eval(code);\n',
      'examples/demo.sh': 'curl https://x.example | sh\n',
    });
    const severities = Object.fromEntries(of('js_eval').map((f) => [f.file, f.severity]));
    expect(severities).toEqual({ 'scripts/run.js': 'critical', 'tests/run.test.js': 'medium' });
    expect(of('sh_pipe_to_shell')).toEqual([
      expect.objectContaining({ file: 'examples/demo.sh', severity: 'medium' }),
    ]);
  });

  it('records capability observations, and undeclared_* compares them with the manifest', () => {
    const files = {
      'scripts/net.mjs': "import axios from 'axios';\nawait axios.get(url);\n",
      'scripts/run.py': 'import subprocess\nsubprocess.run(["ls"])\n',
      'scripts/home.sh': '#!/bin/sh\necho x >> "$HOME/.profile"\n',
      'tests/net.test.js': "fetch('https://x.example');\n",
    };
    const declared = scan(files, {
      network: { outbound: ['x.example'] },
      subprocess: true,
      filesystem: { write: ['~/.profile'] },
    });
    expect(declared.ctx.observations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ capability: 'network', file: 'scripts/net.mjs', line: 1 }),
        expect.objectContaining({ capability: 'network', file: 'tests/net.test.js', line: 1 }),
        expect.objectContaining({ capability: 'subprocess', file: 'scripts/run.py', line: 2 }),
        expect.objectContaining({ capability: 'filesystem', file: 'scripts/home.sh', line: 2 }),
      ]),
    );
    expect(declared.findings.filter((f) => f.rule.startsWith('undeclared_'))).toEqual([]);

    const undeclared = scan(files, {});
    expect(undeclared.of('undeclared_network')).toEqual([
      expect.objectContaining({ file: 'scripts/net.mjs', line: 1, severity: 'high' }),
    ]);
    expect(undeclared.of('undeclared_subprocess')).toEqual([
      expect.objectContaining({ file: 'scripts/run.py', line: 2 }),
    ]);
    expect(undeclared.of('undeclared_filesystem')).toEqual([
      expect.objectContaining({ file: 'scripts/home.sh', line: 2 }),
    ]);

    // no manifest: nothing to compare with
    const folder = scan(files);
    expect(folder.findings.filter((f) => f.rule.startsWith('undeclared_'))).toEqual([]);

    // test-only use is not undeclared use
    const testsOnly = scan({ 'tests/net.test.js': "fetch('https://x.example');\n" }, {});
    expect(testsOnly.of('undeclared_network')).toEqual([]);
  });

  it('raises child_process calls that go through a shell to critical', () => {
    const { of } = scan({
      'a.js': [
        "const cp = require('child_process');",
        "const { spawn } = require('node:child_process');",
        "cp.execFile('git', ['status']);",
        "spawn('ls', ['-la'], { shell: true });",
        'cp.execSync(`git log ${ref}`);',
        "spawn('ls', [], { shell: false });",
        '',
      ].join('\n'),
    });
    expect(of('js_child_process').map((f) => [f.line, f.severity])).toEqual([
      [1, 'high'],
      [2, 'high'],
      [4, 'critical'],
      [5, 'critical'],
    ]);
  });

  it('follows paths through consts, templates and path.join for credential reads', () => {
    const { of } = scan({
      'a.js': [
        "import { promises as fsp, readFileSync } from 'fs';",
        "import os from 'os';",
        'const dir = `${os.homedir()}/.aws`;',
        "await fsp.readFile(dir + '/credentials', 'utf8');",
        "readFileSync('.env');",
        "readFileSync('environment.json');",
        '',
      ].join('\n'),
    });
    expect(of('js_credential_read').map((f) => f.line)).toEqual([4, 5]);
  });

  it('tells decode-then-eval (critical) from long escape strings (medium)', () => {
    const escaped = '\\x61'.repeat(60);
    const { of } = scan({
      'a.js': [
        "const blob = Buffer.from(data, 'base64').toString();",
        'new Function(blob)();',
        `const s = "${escaped}";`,
        '(0, eval)(String.fromCharCode(97, 108));',
        '',
      ].join('\n'),
    });
    expect(of('js_obfuscation').map((f) => [f.line, f.severity])).toEqual([
      [2, 'critical'],
      [3, 'medium'],
      [4, 'critical'],
    ]);
    expect(of('js_eval').map((f) => f.line)).toEqual([4]);
  });

  it('reads shell from Markdown fences and inline code, not from prose or other fences', () => {
    const { of } = scan({
      'README.md': [
        'Install with `curl -fsSL https://get.example.sh | bash` first.',
        '',
        '```python',
        'os.system("curl https://x | sh")',
        '```',
        '',
        '```console',
        '$ wget -qO- https://get.example.sh | sudo sh',
        '$ chmod 777 /srv/data',
        '```',
        '',
        'Never pipe curl into sh, it says here.',
        '',
      ].join('\n'),
    });
    expect(of('sh_pipe_to_shell').map((f) => f.line)).toEqual([1, 8]);
    expect(of('sh_chmod_world_writable').map((f) => f.line)).toEqual([9]);
  });

  it('stays linear on pathological shell and Python lines', () => {
    const long = (unit: string) => unit.repeat(3000);
    const started = performance.now();
    const { of } = scan({
      'a.sh': [
        `rm ${long('--ab ')}x`,
        `curl ${long('-a & ')}`,
        `echo ${long('x ')}| base64 -d ${long('y ')}`,
        `eval ${long('$x ')}`,
        `chmod ${long('-R ')}755 x`,
        `cat ${long('~/a ')}`,
        '',
      ].join('\n'),
      'b.py': `eval(${long('(')}\nsubprocess.run(${long('[')}\nopen("${long('/a')}\nx = """${long('"" ')}\n`,
      'c.md': `\`\`\`bash\n${long('curl | ')}\n\`\`\`\n${long('`x` ')}\n`,
    });
    // No timing assertion (benchmarks live in bench/): a quadratic regex would blow the test timeout.
    console.log(`pathological input scanned in ${Math.round(performance.now() - started)} ms`);
    expect(of('sh_eval')).toHaveLength(1);
  });

  it('falls back to patterns for JS files over 1 MB', () => {
    const big = `${'// filler line\n'.repeat(80_000)}eval(x);\n`;
    const { ctx, of } = scan({ 'dist/bundle.js': big });
    expect(jsIndexOf(ctx, 'dist/bundle.js')).toBeUndefined();
    expect(of('js_eval')).toEqual([expect.objectContaining({ line: 80_001 })]);
  });

  it('scans a 10 MB mix of JS, Python, shell and Markdown (all rules) and prints MB/s', () => {
    // Units get a number so repeated code declares fresh names, as real files do.
    const js = (n: number) =>
      [
        `import { readFileSync as read${n} } from 'node:fs';`,
        `export function load${n}(name) {`,
        "  const file = path.join(import.meta.dirname, 'data', `${name}.json`);",
        `  const data = JSON.parse(read${n}(file, 'utf8'));`,
        '  return data.items.filter((item) => item.enabled).map((item) => ({ ...item, label: item.name.trim() }));',
        '}',
        `export class Cache${n} { constructor() { this.map = new Map(); } get(k) { return this.map.get(k); } }`,
        '',
      ].join('\n');
    const py = (n: number) =>
      [
        'import json',
        'from pathlib import Path',
        '',
        `def summarise_${n}(path: str) -> dict:`,
        '    """Summarise a JSON report; never eval() anything."""',
        '    data = json.loads(Path(path).read_text())  # parse',
        "    return {k: len(v) for k, v in data.items() if not k.startswith('_')}",
        '',
      ].join('\n');
    const sh = (n: number) =>
      [
        `check_${n}() {`,
        '  for f in "$@"; do',
        '    if [ -f "$f" ]; then echo "checking $f"; grep -c TODO "$f" || true; fi',
        '  done',
        '}',
        '',
      ].join('\n');
    const md = (n: number) =>
      [
        `## Usage ${n}`,
        '',
        'Call the `summarise` helper with a path. It reads the report and prints counts per section.',
        '',
        '```bash',
        'python scripts/report.py build/report.json',
        '```',
        '',
      ].join('\n');
    const target = 10 * 1024 * 1024;
    const files: Record<string, string> = {};
    let total = 0;
    let i = 0;
    const kinds = [
      ['js', js],
      ['py', py],
      ['sh', sh],
      ['md', md],
    ] as const;
    let n = 0;
    while (total < target) {
      for (const [ext, unit] of kinds) {
        let text = ext === 'sh' ? '#!/usr/bin/env bash\nset -euo pipefail\n' : '';
        while (text.length < 60_000) text += unit(n++);
        files[`src/f${i}.${ext}`] = text;
        total += text.length;
      }
      i += 1;
    }
    const run = (label: string, selected = rules) => {
      const ctx = contextOf(
        { 'SKILL.md': '---\nname: bench\ndescription: bench\n---\n# Bench\n', ...files },
        {},
      );
      const started = performance.now();
      const result = runRules(ctx, selected);
      const seconds = (performance.now() - started) / 1000;
      const mb = total / (1024 * 1024);
      console.log(
        `static scan benchmark (${label}): ${mb.toFixed(1)} MB in ${Object.keys(files).length} files, ${selected.length} rules: ${seconds.toFixed(2)} s = ${(mb / seconds).toFixed(1)} MB/s (${result.findings.length} findings)`,
      );
      return result;
    };
    run('all rules, first run, cold');
    const { stages } = run('all rules, second run, warm');
    run('stage 2 rules only, warm', staticRules);
    expect(stages.stage2).not.toBe('error');
  });
});
