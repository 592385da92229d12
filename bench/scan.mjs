#!/usr/bin/env node
/**
 * Scanner throughput: generates a 50 MB corpus of realistic artifact text (Markdown, JS/TS, Python,
 * shell, JSON), packs it into archives as publishers would, and times the full six-stage scan of each.
 * Side by side, the same text through secretlint alone (the peer most registries stop at).
 * Prints MB/s and the ratio to the 20 MB/s-per-core target. Run after `npm run build`.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { scanArchive } from '../packages/core/dist/scanner/index.js';

const targetMBps = 20;
const totalBytes = Number(process.env.BENCH_SCAN_MB ?? 50) * 1024 * 1024;
const archiveBytes = 4 * 1024 * 1024;

let seed = 42;
const random = () => {
  // Math.imul: a plain `seed * 1103515245` exceeds 2^53 and loses its low bits, which skewed the corpus
  // to about 80% Markdown instead of an even mix of the five kinds of file.
  seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = (items) => items[Math.floor(random() * items.length)];
const words =
  'agent skill review code test deploy config prompt tool file user data request response server client build module function value result error handler'.split(
    ' ',
  );
const sentence = () => Array.from({ length: 8 + Math.floor(random() * 12) }, () => pick(words)).join(' ');

const generators = {
  md: () =>
    `# ${sentence()}\n\n${Array.from({ length: 6 }, () => `${sentence()}. ${sentence()}.`).join('\n\n')}\n\n- ${sentence()}\n- ${sentence()}\n\n\`\`\`bash\nnpm test\n\`\`\`\n`,
  ts: () =>
    `import { readFile } from 'node:fs/promises';\n\nexport async function ${pick(words)}${Math.floor(random() * 1000)}(path: string): Promise<string> {\n  const text = await readFile(path, 'utf8');\n  // ${sentence()}\n  return text.split('\\n').filter((line) => line.includes('${pick(words)}')).join('\\n');\n}\n`,
  py: () =>
    `import json\n\n\ndef ${pick(words)}_${Math.floor(random() * 1000)}(items):\n    """${sentence()}"""\n    return [json.dumps(item) for item in items if item.get("${pick(words)}")]\n`,
  sh: () => `#!/bin/sh\nset -eu\n# ${sentence()}\nfor f in *.md; do\n  echo "checking $f"\ndone\n`,
  json: () =>
    `${JSON.stringify({ name: pick(words), version: '1.0.0', description: sentence(), keywords: [pick(words), pick(words)] }, null, 2)}\n`,
};

/** Files for one archive: a SKILL.md plus generated files up to ~archiveBytes of text. */
function makeFiles(index) {
  const files = [
    [`SKILL.md`, `---\nname: bench-${index}\ndescription: ${sentence()}\n---\n\n${sentence()}\n`],
  ];
  let size = 0;
  let n = 0;
  while (size < archiveBytes) {
    const ext = pick(Object.keys(generators));
    let body = '';
    while (body.length < 64 * 1024) body += generators[ext]();
    files.push([`src/${ext}/file-${n++}.${ext}`, body]);
    size += body.length;
  }
  return files;
}

/** A minimal ustar writer for the benchmark's own input (plain files only). */
function tarOf(files) {
  const blocks = [];
  for (const [path, text] of files) {
    const body = Buffer.from(text);
    const header = Buffer.alloc(512);
    header.write(path, 0, 100);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0' + '00', 257);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

const archives = [];
let textBytes = 0;
for (let i = 0; textBytes < totalBytes; i++) {
  const files = makeFiles(i);
  textBytes += files.reduce((sum, [, text]) => sum + text.length, 0);
  archives.push({ files, tgz: gzipSync(tarOf(files)) });
}
const mb = textBytes / 1024 / 1024;
const mix = new Map();
for (const { files } of archives)
  for (const [path, text] of files) {
    const ext = path.slice(path.lastIndexOf('.') + 1);
    mix.set(ext, (mix.get(ext) ?? 0) + text.length);
  }

scanArchive(archives[0].tgz); // warm-up: JIT and lazy module state
let findings = 0;
const started = performance.now();
for (const { tgz } of archives) findings += scanArchive(tgz, { permissions: {} }).report.findings.length;
const seconds = (performance.now() - started) / 1000;
const ours = mb / seconds;

let peer;
try {
  const { lintSource } = await import('@secretlint/core');
  const { creator } = await import('@secretlint/secretlint-rule-preset-recommend');
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
  const peerStart = performance.now();
  for (const { files } of archives.slice(0, 3)) {
    for (const [path, content] of files) {
      await lintSource({
        source: { filePath: path, content, contentType: 'text', ext: path.slice(path.lastIndexOf('.')) },
        options: { config, maskSecrets: true },
      });
    }
  }
  const peerMb =
    archives.slice(0, 3).reduce((sum, a) => sum + a.files.reduce((s, [, t]) => s + t.length, 0), 0) /
    1024 /
    1024;
  peer = peerMb / ((performance.now() - peerStart) / 1000);
} catch (error) {
  peer = undefined;
  console.log(`peer (secretlint alone) not run: ${error.message}`);
}

console.log(
  `scanner: ${archives.length} archives, ${mb.toFixed(1)} MB of text, ${findings} findings, ${cpus()[0]?.model ?? 'cpu'}`,
);
console.log(
  `mix: ${[...mix].map(([ext, bytes]) => `${ext} ${((100 * bytes) / textBytes).toFixed(0)}%`).join(', ')}`,
);
console.log(
  `six-stage scan: ${ours.toFixed(1)} MB/s on one core (target ${targetMBps} MB/s: ${(ours / targetMBps).toFixed(2)}×)`,
);
if (peer !== undefined)
  console.log(
    `secretlint alone on the same files: ${peer.toFixed(1)} MB/s (our full scan is ${(ours / peer).toFixed(2)}× its speed)`,
  );
