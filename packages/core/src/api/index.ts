/**
 * `@agentry/core/api`: the response bodies of the registry's HTTP APIs as zod schemas, one definition
 * each. The server declares its routes with them (naming them for OpenAPI at its edge); the CLI infers
 * its types from them and validates what it reads. Only zod is loaded here, never the scanner.
 */
export * from './health.js';
export * from './skill-pool-bootstrap.js';
export * from './skill-pool-drafts.js';
export * from './skill-pool-projects.js';
export * from './tank-auth.js';
export * from './tank-lifecycle.js';
export * from './tank-orgs.js';
export * from './tank-publish.js';
export * from './tank-search.js';
export * from './tank-skills.js';
export * from './tank-tokens.js';
