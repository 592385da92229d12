/**
 * The stylesheet and the one script are served from file-like routes so the CSP can forbid inline
 * styles and scripts. Pages work without the script; it only adds copy buttons.
 */
import { highlightCss } from './markdown.js';

export const appCss = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #57606a; --accent: #0b57d0; --card: #f6f8fa; --danger: #b42318; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9da7b3; --accent: #6ea8fe; --card: #161b22; --danger: #ff8a80; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
.site-header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; padding: .75rem 1.25rem; border-bottom: 1px solid var(--card); }
.site-header nav { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
.site-header nav button { white-space: nowrap; }
.brand { font-weight: 700; font-size: 1.2rem; text-decoration: none; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem; }
.card { background: var(--card); border-radius: 8px; padding: 1.25rem 1.5rem; }
.narrow { max-width: 26rem; margin: 0 auto; }
form.inline { display: inline-flex; gap: .5rem; align-items: center; margin: 0; }
label { display: block; font-weight: 600; margin-top: .9rem; }
input[type=text], input[type=email], input[type=password] { width: 100%; padding: .5rem .6rem; font: inherit; border: 1px solid var(--muted); border-radius: 6px; background: var(--bg); color: var(--fg); }
button { font: inherit; padding: .45rem 1rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; margin-top: 1rem; }
form.inline button { margin-top: 0; background: transparent; color: var(--accent); }
button.secondary, a.button.secondary { background: transparent; color: var(--accent); }
button.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
a.button { display: inline-block; padding: .45rem 1rem; border-radius: 6px; border: 1px solid var(--accent); text-decoration: none; margin-top: 1rem; }
.artifact-about { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; overflow-wrap: anywhere; }
.button-row { display: flex; flex-wrap: wrap; gap: .75rem; align-items: baseline; }
.row-form { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin: 0; }
.row-form button { margin-top: 0; }
.row-form input[type=text] { width: auto; min-width: 7rem; flex: 1 1 7rem; }
@media (max-width: 40rem) {
  table.stack-table, .stack-table tbody, .stack-table tr, .stack-table td { display: block; }
  .stack-table thead { display: none; }
  .stack-table tr { padding: .5rem 0; border-bottom: 1px solid var(--muted); }
  .stack-table td { border: 0; padding: .2rem 0; }
  .stack-table td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
  .stack-table td:empty { display: none; }
}
.field-error, .form-error { color: var(--danger); margin: .25rem 0 0; }
.who { color: var(--muted); }
.site-footer { color: var(--muted); text-align: center; padding: 2rem 1rem; font-size: .9rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--card); vertical-align: top; }
.method { font-weight: 700; font-family: ui-monospace, monospace; }
.skip-link { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem 1rem; z-index: 10; }
.skip-link:focus { left: 1rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.header-search { flex: 1 1 14rem; max-width: 28rem; margin: 0; }
.header-search form { margin: 0; }
.header-search input, .hero-search input, .filters input, .filters select, select { width: 100%; padding: .45rem .6rem; font: inherit; border: 1px solid var(--muted); border-radius: 6px; background: var(--bg); color: var(--fg); }
.muted { color: var(--muted); }
.hero { padding: 1rem 0 1.5rem; }
.hero h1 { font-size: 1.8rem; line-height: 1.25; margin: 0 0 .5rem; }
.search-row { display: flex; gap: .5rem; align-items: stretch; }
.search-row button { margin-top: 0; }
.counts { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; padding: 0; margin: 1rem 0 0; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr)); gap: 1.5rem; }
main { max-width: 72rem; }
.artifact-list { list-style: none; padding: 0; margin: 0; }
.artifact-item { padding: .9rem 0; border-bottom: 1px solid var(--card); overflow-wrap: anywhere; }
.artifact-head { display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; }
.artifact-name { font-weight: 700; font-size: 1.05rem; }
.artifact-description { margin: .25rem 0; }
.artifact-meta { display: flex; flex-wrap: wrap; gap: .25rem 1rem; color: var(--muted); font-size: .9rem; margin: .25rem 0; }
.kind, .tag-private, .tag-deprecated, .tag-yanked, .role { font-size: .8rem; padding: .05rem .45rem; border-radius: 999px; border: 1px solid var(--muted); color: var(--muted); }
.tag-deprecated, .tag-yanked { border-color: var(--danger); color: var(--danger); }
.verdict { font-size: .8rem; font-weight: 600; padding: .05rem .5rem; border-radius: 999px; color: #fff; background: #57606a; white-space: nowrap; }
.stage-status { font-size: .8rem; font-weight: 600; color: var(--muted); } .stage-failed, .stage-error { color: var(--danger); }
.verdict-pass { background: #1a7f37; } .verdict-notes { background: #4d7c0f; } .verdict-flagged { background: #9a6700; } .verdict-fail { background: #b42318; }
.tags { list-style: none; display: flex; flex-wrap: wrap; gap: .35rem; padding: 0; margin: .35rem 0 0; font-size: .85rem; }
.tags a { text-decoration: none; background: var(--card); padding: .05rem .5rem; border-radius: 4px; }
.filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 10rem), 1fr)); gap: .5rem 1rem; align-items: end; margin-bottom: 1rem; }
.filters label { margin-top: 0; }
.filters button { margin-top: 0; }
.pagination { display: flex; gap: 1rem; justify-content: center; padding: 1rem 0; }
.artifact-header h1 { margin: 0; overflow-wrap: anywhere; }
.version { color: var(--muted); font-weight: 400; font-size: 1.1rem; }
.artifact-badges, .artifact-actions { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; margin: .5rem 0; }
.lead { font-size: 1.1rem; overflow-wrap: anywhere; }
.warning { border-left: 4px solid var(--danger); padding: .25rem .75rem; }
.section-nav { display: flex; flex-wrap: wrap; gap: .5rem 1rem; border-bottom: 1px solid var(--card); padding: .5rem 0; margin: 1rem 0; }
.artifact-body { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 20rem); gap: 2rem; }
@media (max-width: 52rem) { .artifact-body { grid-template-columns: minmax(0, 1fr); } }
.markdown { overflow-wrap: anywhere; }
.markdown img { max-width: 100%; }
.markdown pre, .file-view pre, .permissions { overflow-x: auto; background: var(--card); padding: .75rem; border-radius: 6px; }
.copy-line { display: flex; gap: .5rem; align-items: center; background: var(--card); border-radius: 6px; padding: .35rem .6rem; margin: .35rem 0; }
.copy-line code { overflow-x: auto; white-space: nowrap; flex: 1; }
.copy-line button { margin: 0; padding: .15rem .6rem; font-size: .85rem; }
.install-tools { list-style: none; padding: 0; }
.tool-name { font-size: .85rem; color: var(--muted); }
.downloads-chart { width: 100%; height: auto; }
.downloads-chart .bar { fill: var(--accent); }
.downloads-chart .axis { stroke: var(--muted); }
.downloads-chart .axis-label { fill: var(--muted); font-size: 12px; }
.chart figcaption { color: var(--muted); font-size: .85rem; }
.chart { margin: 0; }
.downloads-chart .bar.views { fill: var(--accent); opacity: .45; }
.badge { display: inline-block; min-width: 1.4em; padding: 0 .4em; border-radius: 1em; background: var(--accent); color: var(--bg); font-size: .8rem; text-align: center; }
pre.source { white-space: pre-wrap; overflow-wrap: anywhere; padding: .75rem; background: var(--card); }
section > table { display: block; overflow-x: auto; }
tr.current td { font-weight: 600; }
.integrity { overflow-wrap: anywhere; }
.findings { list-style: none; padding: 0; }
.finding { padding: .35rem 0; border-bottom: 1px solid var(--card); overflow-wrap: anywhere; }
.severity { font-weight: 700; text-transform: uppercase; font-size: .75rem; }
.severity-critical .severity, .severity-high .severity { color: var(--danger); }
.breadcrumbs { margin-bottom: .5rem; overflow-wrap: anywhere; }
.file-header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: baseline; }
.file-header h1 { font-size: 1.2rem; margin: 0; overflow-wrap: anywhere; }
.code { display: flex; align-items: flex-start; }
.code .gutter { text-align: right; user-select: none; color: var(--muted); padding-right: .5rem; margin: 0; border-radius: 6px 0 0 6px; }
.code .gutter a { color: inherit; text-decoration: none; }
.code .source { flex: 1; margin: 0; border-radius: 0 6px 6px 0; min-width: 0; }
.dashboard-nav { display: flex; flex-wrap: wrap; gap: 1rem; border-bottom: 1px solid var(--card); padding-bottom: .5rem; margin-bottom: 1rem; }
.dashboard-nav a[aria-current=page] { font-weight: 700; text-decoration: none; }
.admin-nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0 0 .5rem; margin: 0 0 1rem; border-bottom: 1px solid var(--card); }
.admin-nav a { display: inline-block; padding: .35rem 0; }
.admin-nav a[aria-current=page] { font-weight: 700; text-decoration: none; border-bottom: 3px solid var(--accent); }
.admin-tenant { margin: 0; }
.admin-area td, .admin-area code { overflow-wrap: anywhere; }
.admin-area select { width: auto; max-width: 100%; }
.secret-once { display: block; padding: .6rem; background: var(--bg); border: 1px dashed var(--accent); border-radius: 6px; overflow-wrap: anywhere; user-select: all; }
.notice { border-left: 4px solid var(--accent); padding: .25rem .75rem; background: var(--card); }
.secret { overflow-wrap: anywhere; font-size: 1rem; }
fieldset { border: 1px solid var(--card); border-radius: 6px; margin-top: .9rem; }
label.check { font-weight: 400; margin-top: .25rem; }
.org-list { padding-left: 1.25rem; }
.profile-header h1 { overflow-wrap: anywhere; }
`;

export const appJs = `// Copy buttons beside install commands and snippets; without this script they stay hidden.
for (const button of document.querySelectorAll('button.copy[data-copy]')) {
  if (!navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    await navigator.clipboard.writeText(button.dataset.copy);
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  });
}
`;

export const stylesheet = appCss + highlightCss;

/** The site icon: an "A" on the accent colour, as SVG (no image pipeline, crisp at every size). */
export const faviconSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0b57d0"/><path d="M9 25 16 7l7 18h-3.6l-1.5-4.2h-3.9L12.6 25zm6-7.2h2.1L16 14.4z" fill="#fff"/></svg>`;
