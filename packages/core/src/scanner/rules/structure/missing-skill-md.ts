import type { Rule } from '../../rule.js';

export const missingSkillMd: Rule = {
  id: 'missing_skill_md',
  stage: 'structure',
  severity: 'high',
  title: 'A skill must have SKILL.md at the root of its archive',
  check: (ctx) =>
    ctx.kind === 'skill' && !ctx.files.has('SKILL.md')
      ? [{ message: 'A skill needs a SKILL.md at the root of the archive.' }]
      : [],
};
