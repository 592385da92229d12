/**
 * Which stack a project is, from the files at its root: the language of each manifest found
 * (package.json, Cargo.toml, pyproject.toml, go.mod, …) and the well-known frameworks among its declared
 * dependencies. Tags are lower-case, as skill-pool's bootstrap compares them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Dependency name → stack tag, per ecosystem; only names common enough to have skills written for them. */
const nodeFrameworks: Record<string, string> = {
  react: 'react',
  next: 'nextjs',
  vue: 'vue',
  svelte: 'svelte',
  '@sveltejs/kit': 'sveltekit',
  '@angular/core': 'angular',
  express: 'express',
  hono: 'hono',
  fastify: 'fastify',
  '@nestjs/core': 'nestjs',
  vitest: 'vitest',
  jest: 'jest',
  tailwindcss: 'tailwind',
  prisma: 'prisma',
  'drizzle-orm': 'drizzle',
  electron: 'electron',
};
const rustCrates = [
  'axum',
  'tokio',
  'actix-web',
  'serde',
  'sqlx',
  'diesel',
  'clap',
  'tauri',
  'bevy',
  'leptos',
];
const pythonPackages = [
  'django',
  'fastapi',
  'flask',
  'pytest',
  'pandas',
  'numpy',
  'torch',
  'sqlalchemy',
  'pydantic',
];
const goModules: Record<string, string> = {
  'github.com/gin-gonic/gin': 'gin',
  'github.com/labstack/echo': 'echo',
  'github.com/gofiber/fiber': 'fiber',
  'github.com/spf13/cobra': 'cobra',
};

function read(root: string, file: string): string | undefined {
  const path = join(root, file);
  try {
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

function nodeTags(text: string, root: string): string[] {
  const tags = ['node'];
  let pkg: Record<string, unknown> = {};
  try {
    pkg = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return tags;
  }
  const deps = {
    ...(pkg.dependencies as Record<string, string> | undefined),
    ...(pkg.devDependencies as Record<string, string> | undefined),
  };
  if ('typescript' in deps || existsSync(join(root, 'tsconfig.json'))) tags.push('typescript');
  else tags.push('javascript');
  for (const [dep, tag] of Object.entries(nodeFrameworks)) if (dep in deps) tags.push(tag);
  return tags;
}

/** A dependency named as a word of its own in a manifest's text (TOML, requirements, go.mod). */
function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  return new RegExp(`(^|[\\s"'\\[,])${escaped}([\\s"'=<>~!\\[,;@]|$)`, 'mi').test(text);
}

export function detectStack(root: string): string[] {
  const tags: string[] = [];
  const pkg = read(root, 'package.json');
  if (pkg !== undefined) tags.push(...nodeTags(pkg, root));
  const cargo = read(root, 'Cargo.toml');
  if (cargo !== undefined) tags.push('rust', ...rustCrates.filter((crate) => mentions(cargo, crate)));
  const python = [read(root, 'pyproject.toml'), read(root, 'requirements.txt'), read(root, 'setup.py')]
    .filter((text): text is string => text !== undefined)
    .join('\n');
  if (python || existsSync(join(root, 'Pipfile'))) {
    tags.push('python', ...pythonPackages.filter((name) => mentions(python, name)));
  }
  const gomod = read(root, 'go.mod');
  if (gomod !== undefined) {
    tags.push(
      'go',
      ...Object.entries(goModules)
        .filter(([mod]) => gomod.includes(mod))
        .map(([, tag]) => tag),
    );
  }
  const gemfile = read(root, 'Gemfile');
  if (gemfile !== undefined) tags.push('ruby', ...(mentions(gemfile, 'rails') ? ['rails'] : []));
  if (existsSync(join(root, 'pom.xml'))) tags.push('java', 'maven');
  if (existsSync(join(root, 'build.gradle')) || existsSync(join(root, 'build.gradle.kts')))
    tags.push('gradle');
  if (existsSync(join(root, 'build.gradle.kts'))) tags.push('kotlin');
  if (existsSync(join(root, 'composer.json'))) tags.push('php');
  if (existsSync(join(root, 'mix.exs'))) tags.push('elixir');
  if (existsSync(join(root, 'Package.swift'))) tags.push('swift');
  if (existsSync(join(root, 'Dockerfile'))) tags.push('docker');
  let entries: string[] = [];
  try {
    entries = readdirSync(root);
  } catch {
    entries = [];
  }
  if (entries.some((name) => name.endsWith('.tf'))) tags.push('terraform');
  if (entries.some((name) => name.endsWith('.csproj') || name.endsWith('.sln'))) tags.push('dotnet');
  return [...new Set(tags)];
}
