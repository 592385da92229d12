/**
 * Every rule, in the order they run within their stage. Adding a rule: one file under rules/<stage>/,
 * one line here, and a positive and a negative fixture under packages/core/test/fixtures/scanner/<id>/.
 */
import type { Rule } from '../rule.js';
import { injectionRules } from './injection/index.js';
import { secretRules } from './secrets/index.js';
import { staticRules } from './static/index.js';
import { absoluteHomePath } from './structure/absolute-home-path.js';
import { bidiOverride } from './structure/bidi-override.js';
import { binaryContent } from './structure/binary-content.js';
import { emptyArchive } from './structure/empty-archive.js';
import { fileLimits } from './structure/file-limits.js';
import { hiddenFile } from './structure/hidden-file.js';
import { homoglyph } from './structure/homoglyph.js';
import { missingSkillMd } from './structure/missing-skill-md.js';
import { nonUtf8 } from './structure/non-utf8.js';
import { skillFrontmatter } from './structure/skill-frontmatter.js';
import { zeroWidthCharacters } from './structure/zero-width.js';
import { dynamicInstall } from './supply-chain/dynamic-install.js';
import { installScript } from './supply-chain/install-script.js';
import { knownMalicious } from './supply-chain/known-malicious.js';
import { looseVersionRange } from './supply-chain/loose-version-range.js';
import { typosquat } from './supply-chain/typosquat.js';
import { unpinnedDependency } from './supply-chain/unpinned-dependency.js';

export const rules: Rule[] = [
  missingSkillMd,
  emptyArchive,
  fileLimits,
  // Stage 1: frontmatter, Unicode tricks, hidden and machine-specific paths.
  skillFrontmatter,
  bidiOverride,
  zeroWidthCharacters,
  homoglyph,
  nonUtf8,
  hiddenFile,
  absoluteHomePath,
  binaryContent,
  // Stage 2: static analysis of code; the undeclared_* checks run last within it.
  ...staticRules,
  // Stage 3: prompt injection in Markdown and prompt text.
  ...injectionRules,
  // Stage 4: secrets.
  ...secretRules,
  // Stage 5: supply chain.
  knownMalicious,
  typosquat,
  installScript,
  dynamicInstall,
  unpinnedDependency,
  looseVersionRange,
];
