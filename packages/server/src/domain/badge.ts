/** Audit-score badges as SVG, in Tank's colour tiers. Text is escaped; widths follow a fixed-width estimate. */
import type { Kysely } from 'kysely';
import type { Database, Package } from '../db/schema.js';

/** The latest version's score badge of a package the caller may read (its readability is the caller's check). */
export async function latestScoreBadge(db: Kysely<Database>, pkg: Package): Promise<string> {
  const latest = pkg.latest_version_id
    ? await db
        .selectFrom('versions')
        .select('audit_score')
        .where('id', '=', pkg.latest_version_id)
        .executeTakeFirst()
    : undefined;
  const score = latest?.audit_score ?? null;
  return renderBadge('agentry audit', score === null ? 'pending' : `${score}/10`, badgeColour(score));
}

export const notFoundBadge = () => renderBadge('agentry audit', 'not found', badgeColour(null));

export function badgeColour(score: number | null): string {
  if (score === null) return '#9f9f9f';
  if (score >= 9) return '#4c1';
  if (score >= 7) return '#97ca00';
  if (score >= 5) return '#dfb317';
  if (score >= 3) return '#fe7d37';
  return '#e05d44';
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function renderBadge(label: string, value: string, colour: string): string {
  const width = (text: string) => Math.round(text.length * 6.5 + 12);
  const left = width(label);
  const right = width(value);
  const total = left + right;
  const [l, v] = [escapeXml(label), escapeXml(value)];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="20" role="img" aria-label="${l}: ${v}">
<title>${l}: ${v}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${total}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" fill="${colour}"/><rect width="${total}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${left / 2}" y="14">${l}</text><text x="${left + right / 2}" y="14">${v}</text></g>
</svg>`;
}
