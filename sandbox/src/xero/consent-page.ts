import { SCOPE_DESCRIPTIONS } from "./scopes.ts";

/** The stand-in's consent screen (Xero's "allow access" page): plain HTML, no scripts. */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

const STYLE = `
  :root { color-scheme: light; --ink:#1e2a3a; --muted:#5b6777; --line:#d8dee6; --brand:#13b5ea; --brand-ink:#0b6e91; }
  * { box-sizing: border-box; }
  body { margin:0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:#f2f5f8; }
  header { background:#fff; border-bottom:1px solid var(--line); padding:12px 24px; display:flex; align-items:center; gap:10px; }
  .logo { width:32px; height:32px; border-radius:50%; background:var(--brand); color:#fff; font-weight:700; display:grid; place-items:center; }
  .sandbox { margin-left:auto; font-size:13px; color:var(--muted); border:1px dashed var(--line); padding:2px 8px; border-radius:4px; }
  main { max-width:560px; margin:32px auto; background:#fff; border:1px solid var(--line); border-radius:8px; padding:28px; }
  h1 { font-size:22px; margin:0 0 4px; }
  p { margin:0 0 16px; color:var(--muted); }
  h2 { font-size:15px; margin:20px 0 8px; }
  ul.scopes { margin:0; padding-left:20px; }
  ul.scopes li { margin:4px 0; }
  fieldset { border:1px solid var(--line); border-radius:6px; padding:8px 12px; margin:20px 0 0; }
  legend { font-weight:600; font-size:15px; padding:0 4px; }
  label.org { display:flex; gap:10px; align-items:center; padding:8px 4px; cursor:pointer; }
  label.org small { color:var(--muted); }
  .actions { display:flex; gap:12px; margin-top:24px; flex-wrap:wrap; }
  button { font:inherit; padding:10px 20px; border-radius:6px; border:1px solid var(--line); background:#fff; color:var(--ink); cursor:pointer; min-height:44px; }
  button.primary { background:var(--brand-ink); border-color:var(--brand-ink); color:#fff; font-weight:600; }
  button:focus-visible, input:focus-visible { outline:3px solid #1d4ed8; outline-offset:2px; }
  .user { font-size:14px; color:var(--muted); }
  .error { color:#9b1c1c; }
  @media (max-width: 600px) { main { margin:0; border-radius:0; border-left:0; border-right:0; } .actions button { flex:1 1 100%; } }
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><header><div class="logo" aria-hidden="true">x</div><strong>Xero</strong><span class="sandbox">Sandbox stand-in</span></header>
<main>${body}</main></body></html>`;
}

export interface ConsentView {
  requestId: string;
  appName: string;
  userEmail: string;
  scopes: string[];
  organisations: Array<{ tenantId: string; name: string; baseCurrency: string }>;
  /** Organisations this app is already connected to (pre-selected). */
  connected: string[];
  action: string;
}

export function consentPage(v: ConsentView): string {
  const scopes = v.scopes.filter((s) => s !== "openid").map((s) => `<li>${escapeHtml(SCOPE_DESCRIPTIONS[s] ?? s)} <small>(${escapeHtml(s)})</small></li>`);
  const orgs = v.organisations.length
    ? `<fieldset><legend>Choose the organisation to connect</legend>${v.organisations
        .map((o, i) => {
          const checked = v.connected.includes(o.tenantId) || (v.connected.length === 0 && i === 0);
          return `<label class="org"><input type="radio" name="tenant" value="${escapeHtml(o.tenantId)}"${checked ? " checked" : ""}> <span>${escapeHtml(o.name)} <small>· ${escapeHtml(o.baseCurrency)}</small></span></label>`;
        })
        .join("")}</fieldset>`
    : "";
  return page(
    `${v.appName} wants to access your Xero`,
    `<h1>${escapeHtml(v.appName)} wants access to your Xero</h1>
<p class="user">Signed in as ${escapeHtml(v.userEmail)}</p>
<h2>This app will be able to:</h2>
<ul class="scopes">${scopes.join("")}</ul>
<form method="post" action="${escapeHtml(v.action)}">
<input type="hidden" name="request" value="${escapeHtml(v.requestId)}">
${orgs}
<div class="actions"><button class="primary" type="submit" name="decision" value="allow">Allow access</button>
<button type="submit" name="decision" value="deny">Cancel</button></div>
</form>`,
  );
}

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p class="error">${escapeHtml(message)}</p>`);
}
