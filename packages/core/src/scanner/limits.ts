/** Archive limits enforced before anything is extracted; an operator may tighten or loosen them. */
export interface ArchiveLimits {
  maxArchiveBytes: number;
  maxUnpackedBytes: number;
  maxFiles: number;
  maxFileBytes: number;
  /** Unpacked/packed ratio above which an archive is treated as a decompression bomb. */
  maxCompressionRatio: number;
}

export const defaultArchiveLimits: ArchiveLimits = {
  maxArchiveBytes: 50 * 1024 * 1024,
  maxUnpackedBytes: 50 * 1024 * 1024,
  maxFiles: 1000,
  maxFileBytes: 10 * 1024 * 1024,
  maxCompressionRatio: 100,
};
