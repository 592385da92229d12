/**
 * Facts about the release, with no dependencies: `@agentry/core/version` is what a binary imports to answer
 * `--version` without loading the rest of core.
 */

/** The release version, reported by /health and both binaries. */
export const version = '0.1.0';

/**
 * The registry the CLI uses when nothing says otherwise, and the one the server's install commands leave
 * implicit: `agentry install x` on a page served elsewhere shows `--registry <that server>`.
 */
export const defaultRegistryUrl = 'http://localhost:3737';
