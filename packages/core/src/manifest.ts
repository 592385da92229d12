/**
 * The manifest sent to `POST /api/v1/skills` (Tank's tank.json / skills.json shape, plus Agentry's
 * `kind`). Documented fields are validated; other keys of tank.json (audit, mcp_server, atoms, …) are
 * kept as given so nothing a publisher wrote is lost.
 */
import semver from 'semver';
import { z } from 'zod';
import { artifactKinds, artifactNamePattern, maxArtifactNameLength } from './names.js';
import { permissionsSchema } from './permissions.js';

const semverRange = z
  .string()
  .max(100)
  .refine((value) => semver.validRange(value) !== null, 'Invalid semver range.');

export const manifestSchema = z
  .looseObject({
    name: z
      .string()
      .max(maxArtifactNameLength)
      .regex(
        artifactNamePattern,
        'Names are lower-case letters, digits and hyphens, optionally scoped as @org/name.',
      ),
    version: z
      .string()
      .max(64)
      .refine(
        (value) => semver.valid(value) !== null && semver.clean(value) === value,
        'Invalid semver string.',
      ),
    description: z.string().trim().min(1, 'A description is required.').max(500),
    /**
     * `team`: members of the owning org only (AI Toolkit's third visibility); needs a scoped name.
     * Absent means `public`, Tank's own default (its CLI sends no visibility unless the user set one).
     */
    visibility: z.enum(['public', 'private', 'team']).default('public'),
    permissions: permissionsSchema,
    repository: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .optional(),
    kind: z.enum(artifactKinds).default('skill'),
    /** Dependencies on other artifacts: name → semver range (Tank calls this `skills`). */
    skills: z
      .record(z.string().regex(artifactNamePattern).max(maxArtifactNameLength), semverRange)
      .optional(),
    keywords: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
    license: z.string().max(100).optional(),
  })
  .refine((manifest) => manifest.visibility !== 'team' || manifest.name.startsWith('@'), {
    message: 'Team visibility needs a scoped name (@team/name).',
    path: ['visibility'],
  });
export type Manifest = z.infer<typeof manifestSchema>;
