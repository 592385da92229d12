/** The release version, reported by /health and both binaries. */
export const version = '0.1.0';
