/** Stack detection from a project's files: languages from manifests, frameworks from declared dependencies. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test-support/db.js';
import { detectStack } from './stack-detect.js';

function project(files: Record<string, string>): string {
  const root = makeTempDir('stack');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('detectStack', () => {
  it('reads node, typescript and frameworks from package.json', () => {
    const root = project({
      'package.json': JSON.stringify({
        dependencies: { react: '^18', next: '14' },
        devDependencies: { typescript: '5' },
      }),
    });
    expect(detectStack(root)).toEqual(['node', 'typescript', 'react', 'nextjs']);
  });

  it('reads rust crates, python packages and go modules by name, not by substring', () => {
    const root = project({
      'Cargo.toml': '[dependencies]\naxum = "0.8"\ntokio = { version = "1" }\nnot-serde-at-all = "1"\n',
      'pyproject.toml': '[project]\ndependencies = ["fastapi>=0.110", "uvicorn"]\n',
      'go.mod': 'module x\n\nrequire github.com/gin-gonic/gin v1.9.1\n',
    });
    expect(detectStack(root)).toEqual(['rust', 'axum', 'tokio', 'python', 'fastapi', 'go', 'gin']);
  });

  it('finds nothing in an empty folder and survives a broken package.json', () => {
    expect(detectStack(project({}))).toEqual([]);
    expect(detectStack(project({ 'package.json': '{oops' }))).toEqual(['node']);
  });

  it('recognises other ecosystems by their marker files', () => {
    const root = project({
      Gemfile: "gem 'rails'\n",
      'main.tf': '',
      Dockerfile: 'FROM x',
      'composer.json': '{}',
    });
    expect(detectStack(root)).toEqual(['ruby', 'rails', 'php', 'docker', 'terraform']);
  });
});
