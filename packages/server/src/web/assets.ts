/** The stylesheet is served from a file-like route so the CSP can forbid inline styles. */
export const appCss = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #57606a; --accent: #0b57d0; --card: #f6f8fa; --danger: #b42318; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9da7b3; --accent: #6ea8fe; --card: #161b22; --danger: #ff8a80; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
.site-header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; padding: .75rem 1.25rem; border-bottom: 1px solid var(--card); }
.site-header nav { display: flex; gap: 1rem; align-items: center; }
.brand { font-weight: 700; font-size: 1.2rem; text-decoration: none; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem; }
.card { background: var(--card); border-radius: 8px; padding: 1.25rem 1.5rem; }
.narrow { max-width: 26rem; margin: 0 auto; }
form.inline { display: inline-flex; gap: .5rem; align-items: center; margin: 0; }
label { display: block; font-weight: 600; margin-top: .9rem; }
input[type=text], input[type=email], input[type=password] { width: 100%; padding: .5rem .6rem; font: inherit; border: 1px solid var(--muted); border-radius: 6px; background: var(--bg); color: var(--fg); }
button { font: inherit; padding: .45rem 1rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; margin-top: 1rem; }
form.inline button { margin-top: 0; background: transparent; color: var(--accent); }
.field-error, .form-error { color: var(--danger); margin: .25rem 0 0; }
.who { color: var(--muted); }
.site-footer { color: var(--muted); text-align: center; padding: 2rem 1rem; font-size: .9rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--card); vertical-align: top; }
.method { font-weight: 700; font-family: ui-monospace, monospace; }
`;
