/**
 * Every rule, in the order they run within their stage. Adding a rule: one file under rules/<stage>/,
 * one line here, and a positive and a negative fixture under packages/core/test/fixtures/scanner/<id>/.
 */
import type { Rule } from '../rule.js';
import { emptyArchive } from './structure/empty-archive.js';
import { fileLimits } from './structure/file-limits.js';
import { missingSkillMd } from './structure/missing-skill-md.js';

export const rules: Rule[] = [missingSkillMd, emptyArchive, fileLimits];
