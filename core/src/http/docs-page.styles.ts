/** The reference page's stylesheet (inlined into the page: nothing is loaded from elsewhere). */
export const DOCS_PAGE_CSS = `
:root {
  --bg: #f7f8fa; --panel: #ffffff; --ink: #1b2330; --muted: #5d6b7e; --line: #e3e7ee; --accent: #4f46e5;
  --code-bg: #f1f3f7; --nav-bg: #10151f; --nav-ink: #c9d2df; --nav-muted: #7c8799;
  --get: #0f7b6c; --post: #2759d6; --put: #9a5b00; --patch: #7b4bc4; --delete: #c0392b; --other: #56606e;
  --radius: 10px;
  font-synthesis: none;
}
* { box-sizing: border-box; }
html { scroll-behavior: smooth; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
code, pre, .op-path, .nav-path { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
code { background: var(--code-bg); border-radius: 4px; padding: 0.05em 0.35em; font-size: 0.88em; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.layout { display: grid; grid-template-columns: 290px minmax(0, 1fr); min-height: 100vh; }
.sidebar { position: sticky; top: 0; height: 100vh; overflow-y: auto; background: var(--nav-bg); color: var(--nav-ink);
  padding: 22px 16px 40px; font-size: 13.5px; }
.sidebar a { color: var(--nav-ink); display: block; padding: 3px 8px; border-radius: 6px; }
.sidebar a:hover { background: #1d2533; text-decoration: none; color: #fff; }
.brand { font-weight: 650; font-size: 16px; color: #fff; padding: 0 8px 14px; border-bottom: 1px solid #232c3b; margin-bottom: 12px; }
.logo { color: #8b83ff; }
.sidebar ul { list-style: none; margin: 0; padding: 0; }
.nav-top { margin-bottom: 10px !important; }
.nav-group { margin-top: 14px; }
.nav-tag { text-transform: uppercase; letter-spacing: 0.06em; font-size: 11.5px; color: var(--nav-muted) !important; font-weight: 650; }
.nav-group li a { display: flex; gap: 8px; align-items: baseline; }
.nav-path { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-size: 12.5px; }
.sidebar .m { font-size: 9.5px; min-width: 44px; padding: 1px 0; }
main { padding: 36px clamp(18px, 4vw, 56px) 80px; max-width: 1120px; }
.hero { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 28px 32px; margin-bottom: 28px;
  box-shadow: 0 1px 2px rgba(16, 21, 31, 0.04); }
.hero-top { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
h1 { margin: 0; font-size: 28px; letter-spacing: -0.01em; }
h2 { font-size: 21px; margin: 0 0 6px; letter-spacing: -0.005em; }
h3 { font-size: 16px; margin: 0; }
h4 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.07em; color: var(--muted); margin: 22px 0 8px; }
.pill { background: #eef0ff; color: var(--accent); border-radius: 999px; padding: 2px 10px; font-size: 12.5px; font-weight: 600; }
.pill-muted { background: var(--code-bg); color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 18px 0 0; font-size: 14px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.block { margin: 34px 0; }
.block > p { color: var(--muted); margin-top: 0; }
.card, .op { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); margin: 14px 0;
  box-shadow: 0 1px 2px rgba(16, 21, 31, 0.04); scroll-margin-top: 16px; }
.card { padding: 18px 22px; }
.card h3 { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.op-head { display: flex; align-items: center; gap: 12px; padding: 14px 20px; border-bottom: 1px solid var(--line);
  background: linear-gradient(#fbfcfd, #f6f8fb); border-radius: var(--radius) var(--radius) 0 0; flex-wrap: wrap; }
.op-path { font-size: 15px; font-weight: 600; background: none; padding: 0; }
.path-param { color: var(--accent); }
.op-security { margin-left: auto; }
.op-body { padding: 6px 20px 18px; }
.op-summary { margin-top: 12px; font-size: 17px; }
.m { display: inline-block; min-width: 58px; text-align: center; font-weight: 700; font-size: 11.5px; letter-spacing: 0.04em;
  color: #fff; border-radius: 5px; padding: 3px 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.m-get { background: var(--get); } .m-post { background: var(--post); } .m-put { background: var(--put); }
.m-patch { background: var(--patch); } .m-delete { background: var(--delete); }
.m-head, .m-options, .m-trace { background: var(--other); }
.badge { display: inline-block; font-size: 12px; border-radius: 999px; padding: 2px 10px; font-weight: 600; }
.badge-lock { background: #fff4e0; color: #8a5300; }
.badge-open { background: #e8f6f1; color: #0f6b5c; }
.badge-warn { background: #fdecea; color: #a8321f; }
.req { color: #b4231b; font-size: 11px; font-weight: 650; text-transform: uppercase; letter-spacing: 0.04em; }
.muted { color: var(--muted); font-weight: 400; }
.small { font-size: 12.5px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th { text-align: left; font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 1px solid var(--line); padding: 6px 10px; }
td { border-top: 1px solid var(--line); padding: 8px 10px; vertical-align: top; }
td p { margin: 0 0 4px; }
.in { font-size: 11.5px; background: var(--code-bg); color: var(--muted); border-radius: 4px; padding: 1px 6px; }
.prop { background: none; padding: 0; font-weight: 600; color: var(--ink); }
.type { white-space: nowrap; }
.t { color: #0b6e99; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.fmt { color: var(--muted); font-size: 12px; margin-left: 4px; }
.fmt::before { content: "("; } .fmt::after { content: ")"; }
.lit { color: #9a3412; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.sep { color: var(--muted); }
.ref { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; font-weight: 600; }
.constraints { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12.5px; color: var(--muted); margin-top: 2px; }
.media { margin: 8px 0 4px; }
.ctype { display: inline-block; font-size: 12px; color: var(--muted); border: 1px solid var(--line); border-radius: 5px; padding: 1px 7px; margin-bottom: 6px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.schema { border-left: 3px solid #e4e7fb; padding-left: 12px; }
.schema .props { margin-top: 6px; }
.props .props { margin-top: 8px; background: #fafbfd; }
.prop-name { white-space: nowrap; width: 1%; }
.type-line { font-size: 14px; }
.responses { display: grid; gap: 10px; }
.response { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.response-head { display: flex; align-items: baseline; gap: 10px; }
.status { font-weight: 700; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; border-radius: 5px; padding: 1px 8px; font-size: 13px; }
.s1, .s3, .sd { background: var(--code-bg); color: var(--muted); }
.s2 { background: #e3f5ee; color: #0c6b55; } .s4 { background: #fff1dd; color: #8a4b00; } .s5 { background: #fde7e5; color: #a42a1c; }
.response-desc { color: var(--ink); }
.snippet { background: #10151f; color: #d7def0; border-radius: 8px; padding: 14px 16px; overflow-x: auto; font-size: 13px; line-height: 1.5; }
.schema-card h3 { margin-bottom: 8px; }
footer { color: var(--muted); font-size: 12.5px; margin-top: 48px; border-top: 1px solid var(--line); padding-top: 14px; }
@media (max-width: 860px) {
  .layout { grid-template-columns: 1fr; }
  .sidebar { position: static; height: auto; }
  .op-security { margin-left: 0; }
}
@media print {
  .sidebar { display: none; } .layout { display: block; } .op, .card { break-inside: avoid; box-shadow: none; }
}
`;
