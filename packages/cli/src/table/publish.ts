/** Commands that make and manage artifacts: publish, init, scan, yank, deprecate, undeprecate, visibility, draft. */
import { CliError, exitCodes } from '../cli-error.js';
import { defineCommand, type RunInput, show, text } from '../command-spec.js';

const loadLifecycle = () => import('../commands/lifecycle.js');
const artifactKinds = 'skill, agent, command, prompt, instruction, hook, mcp, template, config or pack';

export const publish = defineCommand({
  name: 'publish',
  aliases: ['pub'],
  summary: 'pack, scan locally, and publish a folder',
  arguments: [{ name: '[dir]', description: 'the artifact folder', default: '.' }],
  examples: [
    'agentry publish',
    'agentry publish ./skills/code-review --dry-run',
    'agentry publish --private',
  ],
  options: [
    { flags: '--dry-run', description: 'show the files, integrity and local verdict; send nothing' },
    { flags: '--private', description: 'publish as private (overrides the manifest)' },
    {
      flags: '--visibility <visibility>',
      description: 'public, private, or team (members of the owning org only)',
      choices: ['public', 'private', 'team'],
    },
    { flags: '--scope <org>', description: 'publish an unscoped name as @org/name (AI Toolkit: --team)' },
  ],
  load: () => import('../commands/publish.js'),
  run: async (
    m,
    input: RunInput<{
      dryRun?: boolean;
      private?: boolean;
      visibility?: 'public' | 'private' | 'team';
      scope?: string;
    }>,
    dir: string,
  ) => {
    const o = input.options;
    const visibility = o.private ? 'private' : o.visibility;
    const result = await m.runPublish(input.context(), dir, {
      dryRun: o.dryRun === true,
      visibility,
      scope: o.scope,
    });
    return show(result, m.formatPublish);
  },
});

export const init = defineCommand({
  name: 'init',
  summary: 'scaffold a valid artifact',
  arguments: [{ name: '[kind]', description: artifactKinds, default: 'skill' }],
  examples: [
    'agentry init',
    'agentry init agent --name @acme/reviewer',
    'agentry init pack --dir ./my-pack',
    'agentry init --template @acme/service-starter   # apply a template artifact from the registry',
  ],
  options: [
    { flags: '--name <name>', description: 'artifact name (default: the folder name)' },
    { flags: '--description <text>', description: 'one-line description' },
    { flags: '--dir <dir>', description: 'folder to create it in (default: here)' },
    { flags: '--force', description: 'overwrite existing files' },
    {
      flags: '--template <name[@version]>',
      description: 'copy a template artifact from the registry into the folder instead',
    },
  ],
  load: () => import('../commands/init.js'),
  run: async (
    m,
    input: RunInput<{
      name?: string;
      description?: string;
      dir?: string;
      force?: boolean;
      template?: string;
    }>,
    kind: string,
  ) => {
    const o = input.options;
    if (o.template)
      return show(await m.runInitFromTemplate(input.context(), o.template, o), m.formatTemplate);
    return show(m.runInit(input.context(), kind, o), m.formatInit);
  },
});

const failOnValues = ['fail', 'flagged', 'notes', 'none'] as const;

export const scan = defineCommand({
  name: 'scan',
  summary: 'scan a folder or .tgz with the registry scanner, locally and without a server',
  arguments: [{ name: '[target]', description: 'folder or tarball', default: '.' }],
  examples: [
    'agentry scan ./my-skill',
    'agentry scan my-skill-1.0.0.tgz --format sarif > agentry.sarif',
    'agentry scan . --fail-on flagged --json',
  ],
  options: [
    { flags: '--kind <kind>', description: 'artifact kind (default: from tank.json, else skill)' },
    { flags: '--format <format>', description: 'text, json or sarif', default: 'text' },
    {
      flags: '--fail-on <verdict>',
      description: 'exit 4 at this verdict or worse: fail, flagged, notes or none',
      default: 'fail',
    },
  ],
  load: async () => ({
    ...(await import('../commands/scan.js')),
    ...(await import('@agentry/core/version')),
  }),
  run: async (m, input: RunInput<{ kind?: string; format: string; failOn: string }>, target: string) => {
    const o = input.options;
    // Any case: --fail-on FLAGGED as the verdict is printed, or flagged.
    const failOn = o.failOn
      .toLowerCase()
      .replace(/^pass_with_notes$/, 'notes') as (typeof failOnValues)[number];
    if (!failOnValues.includes(failOn))
      throw new CliError('usage', '--fail-on takes fail, flagged, notes or none');
    if (!['text', 'json', 'sarif'].includes(o.format))
      throw new CliError('usage', '--format takes text, json or sarif');
    const result = await m.runScan(target, { ...(o.kind ? { kind: o.kind } : {}), failOn });
    const exitCode = result.failed ? exitCodes.verdict : undefined;
    const format = input.globals.json === true ? 'json' : o.format;
    if (format === 'sarif')
      return text(`${JSON.stringify(m.toSarif(result, m.version), null, 2)}\n`, exitCode);
    if (format === 'json') return text(`${JSON.stringify(result, null, 2)}\n`, exitCode);
    return show(result, (r) => m.formatScan(r, input.colour), exitCode);
  },
});

export const yank = defineCommand({
  name: 'yank',
  summary: 'stop ranges resolving to a version (lockfiles keep it)',
  arguments: [{ name: '<name@version>' }],
  examples: [
    'agentry yank @acme/code-review@1.2.0 --reason "breaks on Windows"',
    'agentry yank @acme/code-review@1.2.0 --undo',
  ],
  options: [
    { flags: '--reason <text>', description: 'why, shown to people who install it by exact version' },
    { flags: '--undo', description: 'restore a yanked version' },
  ],
  load: loadLifecycle,
  run: async (m, input: RunInput<{ reason?: string; undo?: boolean }>, spec: string) =>
    show(await m.runYank(input.context(), spec, input.options), m.formatYank),
});

export const deprecate = defineCommand({
  name: 'deprecate',
  summary: 'show a message to everyone installing these versions (all versions without a range)',
  arguments: [{ name: '<name[@range]>' }, { name: '<message>' }],
  examples: [
    'agentry deprecate @acme/old-review "use @acme/code-review"',
    'agentry deprecate @acme/code-review@"<2" "upgrade to 2.x"',
  ],
  load: loadLifecycle,
  run: async (m, input, spec: string, message: string) =>
    show(await m.runDeprecate(input.context(), spec, message), m.formatDeprecate),
});

export const undeprecate = defineCommand({
  name: 'undeprecate',
  summary: 'remove the deprecation message',
  arguments: [{ name: '<name[@range]>' }],
  examples: ['agentry undeprecate @acme/code-review'],
  load: loadLifecycle,
  run: async (m, input, spec: string) =>
    show(await m.runDeprecate(input.context(), spec, null), m.formatDeprecate),
});

export const visibility = defineCommand({
  name: 'visibility',
  summary: 'who can see an artifact: public, private, or team (members of its org)',
  arguments: [{ name: '<name>' }, { name: '<visibility>', description: 'public, private or team' }],
  examples: ['agentry visibility @acme/code-review private'],
  load: loadLifecycle,
  run: async (m, input, name: string, value: string) =>
    show(await m.runVisibility(input.context(), name, value), m.formatVisibility),
});

export const draft = defineCommand({
  name: 'draft',
  summary: "submit a skill folder to the registry's drafts inbox",
  arguments: [{ name: '<dir>' }],
  examples: ['agentry draft ./skills/sql-style --note "captured from review"'],
  options: [
    {
      flags: '--slug <slug>',
      description: "the draft's slug (default: SKILL.md name, else the folder name)",
    },
    { flags: '--note <text>', description: 'a note for the curator' },
    { flags: '--tag <tag...>', description: 'extra tags' },
  ],
  load: () => import('../commands/draft.js'),
  run: async (m, input: RunInput<{ slug?: string; note?: string; tag?: string[] }>, dir: string) => {
    const o = input.options;
    return show(
      await m.runDraft(input.context(), dir, { slug: o.slug, note: o.note, tags: o.tag }),
      m.formatDraft,
    );
  },
});
