import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ParsedMessage, SmtpSink } from "./smtp-sink.ts";

/**
 * The sandbox mailbox: every email the SMTP sink caught, readable by a person and by tests.
 *
 *   GET /                              the list, newest first: recipient, subject, sender, time
 *   GET /messages/:id                  one email: its headers and its HTML as the recipient sees it
 *   GET /messages/:id/html             the HTML body alone, inline images (cid:) served beside it
 *   GET /messages/:id/text             the plain-text body
 *   GET /messages/:id/parts/:cid       an inline image or attachment, by Content-ID
 *   GET /api/messages[?to=&subject=]   JSON list, newest first (`to`: an address, `subject`: a substring)
 *   GET /api/messages/:id              JSON of one email, with both bodies and the links in its text
 *   DELETE /api/messages               forget every email
 *
 * Loopback only, no authentication: it shows gift codes, as the recipient's inbox would.
 * An email's HTML is served with a Content-Security-Policy that allows no scripts and loads
 * images only, so a message renders as a mail client would show it and can do nothing else.
 */
export interface Mailbox {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const esc = (v: unknown) => String(v ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** The http(s) links in a text, in order, once each (the gift link, tracking links...). */
export function linksIn(text: string | undefined): string[] {
  return [...new Set((text ?? "").match(/https?:\/\/[^\s<>"')]+/g) ?? [])];
}

function summary(m: ParsedMessage, base: string) {
  return {
    id: m.id,
    to: m.to,
    from: m.from ?? null,
    fromName: m.fromName,
    replyTo: m.headers["reply-to"] ?? null,
    subject: m.subject,
    receivedAt: m.receivedAt.toISOString(),
    page: `${base}/messages/${m.id}`,
  };
}

function detail(m: ParsedMessage, base: string) {
  return {
    ...summary(m, base),
    messageId: m.messageId ?? null,
    text: m.text ?? null,
    html: m.html ?? null,
    links: linksIn(m.text),
    headers: m.headers,
    attachments: m.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, cid: a.cid ?? null, inline: a.inline, size: a.size })),
  };
}

const STYLE = `body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#18181b;background:#f4f4f5}
header{background:#18181b;color:#fff;padding:14px 24px;display:flex;gap:16px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:18px;margin:0}header p{margin:0;color:#d4d4d8;font-size:14px}
header a{color:#fff}
main{max-width:1100px;margin:0 auto;padding:16px}
table{width:100%;border-collapse:collapse;background:#fff;border-radius:8px;overflow:hidden}
th,td{text-align:left;padding:10px 12px;border-bottom:1px solid #e4e4e7;vertical-align:top}
th{font-size:13px;color:#52525b;background:#fafafa}
td.when{white-space:nowrap;color:#52525b}
a{color:#3730a3}
.empty{background:#fff;padding:32px;border-radius:8px;text-align:center;color:#52525b}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:#fff;padding:16px;border-radius:8px;margin:0 0 16px}
dt{color:#52525b}dd{margin:0;overflow-wrap:anywhere}
iframe{width:100%;height:1400px;border:0;background:#f4f4f5;border-radius:8px;display:block}
@media (max-width:640px){th.from,td.from{display:none}main{padding:8px}th,td{padding:8px}}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

function listPage(messages: ParsedMessage[]): string {
  const rows = messages
    .map(
      (m) => `<tr><td><a href="/messages/${m.id}">${esc(m.subject || "(no subject)")}</a></td><td>${esc(m.to.join(", "))}</td>
<td class="from">${esc(m.fromName ? `${m.fromName} <${m.from ?? ""}>` : m.from)}</td><td class="when"><time datetime="${m.receivedAt.toISOString()}">${esc(m.receivedAt.toISOString().replace("T", " ").slice(0, 19))} UTC</time></td></tr>`,
    )
    .join("\n");
  return page(
    "Sandbox mailbox",
    `<header><h1>Sandbox mailbox</h1><p>${messages.length} email${messages.length === 1 ? "" : "s"} caught (newest first); none leaves this machine. <a href="/">Refresh</a> · <a href="/api/messages">JSON</a></p></header>
<main>${messages.length ? `<table><thead><tr><th scope="col">Subject</th><th scope="col">To</th><th scope="col" class="from">From</th><th scope="col">Received</th></tr></thead><tbody>${rows}</tbody></table>` : `<p class="empty">No email yet. Pay for an order and its gift emails arrive here.</p>`}</main>`,
  );
}

function messagePage(m: ParsedMessage): string {
  const row = (k: string, v: string | undefined | null) => (v ? `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>` : "");
  return page(
    m.subject || "(no subject)",
    `<header><h1>${esc(m.subject || "(no subject)")}</h1><p><a href="/">All emails</a> · <a href="/messages/${m.id}/text">Plain text</a> · <a href="/api/messages/${m.id}">JSON</a></p></header>
<main><dl>${row("From", m.fromName ? `${m.fromName} <${m.from ?? ""}>` : m.from)}${row("Reply-To", m.headers["reply-to"])}${row("To", m.to.join(", "))}${row("Received", m.receivedAt.toISOString())}${row(
      "Attachments",
      m.attachments.map((a) => `${a.filename ?? a.cid ?? "part"} (${a.contentType}, ${a.size} bytes${a.inline ? ", inline" : ""})`).join("; "),
    )}</dl>
${m.html ? `<iframe title="The email as the recipient sees it" src="/messages/${m.id}/html" sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"></iframe><script src="/mailbox.js"></script>` : `<pre>${esc(m.text)}</pre>`}</main>`,
  );
}

/**
 * Sizes the email's frame to the email, so the page scrolls as one (the frame may not run
 * scripts of its own: it is sandboxed without allow-scripts, and its CSP allows none).
 */
const FIT_FRAME = `for (const f of document.querySelectorAll("iframe")) {
  const fit = () => { const d = f.contentDocument; if (d && d.body) f.style.height = d.body.scrollHeight + "px"; };
  f.addEventListener("load", () => { fit(); for (const img of f.contentDocument.images) img.addEventListener("load", fit); });
  addEventListener("resize", fit);
  if (f.contentDocument && f.contentDocument.readyState === "complete" && f.contentDocument.URL !== "about:blank") fit();
}`;

/** The HTML body with its `cid:` images pointing at this mailbox, and links opening outside the frame. */
function renderedHtml(m: ParsedMessage): string {
  const html = (m.html ?? "").replace(/(["'(])cid:([^"')\s]+)/g, (_all, q: string, cid: string) => `${q}/messages/${m.id}/parts/${encodeURIComponent(cid)}`);
  return html.includes("<head>") ? html.replace("<head>", '<head><base target="_blank">') : `<base target="_blank">${html}`;
}

export async function startMailbox(sink: SmtpSink, opts: { port?: number; host?: string } = {}): Promise<Mailbox> {
  let base = "";
  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff", ...headers });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, body: unknown) => send(res, status, "application/json; charset=utf-8", JSON.stringify(body, null, 2));
  const notFound = (res: ServerResponse) => json(res, 404, { error: "not_found", detail: "No such email in the sandbox mailbox (it keeps mail until npm start stops)." });
  const newestFirst = () => [...sink.messages()].reverse();
  const byId = (id: string | undefined) => sink.messages().find((m) => String(m.id) === id);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const parts = url.pathname.split("/").filter(Boolean);
    const method = req.method ?? "GET";
    if (method === "DELETE" && url.pathname === "/api/messages") {
      sink.clear();
      return json(res, 200, { cleared: true });
    }
    if (method !== "GET" && method !== "HEAD") return send(res, 405, "text/plain; charset=utf-8", "Method not allowed", { allow: "GET, HEAD, DELETE" });
    if (url.pathname === "/") return send(res, 200, "text/html; charset=utf-8", listPage(newestFirst()));
    if (url.pathname === "/mailbox.js") return send(res, 200, "text/javascript; charset=utf-8", FIT_FRAME);
    if (url.pathname === "/api/messages") {
      const to = url.searchParams.get("to")?.toLowerCase();
      const subject = url.searchParams.get("subject")?.toLowerCase();
      const items = newestFirst()
        .filter((m) => !to || m.to.some((a) => a.toLowerCase() === to))
        .filter((m) => !subject || m.subject.toLowerCase().includes(subject))
        .map((m) => summary(m, base));
      return json(res, 200, { items });
    }
    if (parts[0] === "api" && parts[1] === "messages" && parts.length === 3) {
      const m = byId(parts[2]);
      return m ? json(res, 200, detail(m, base)) : notFound(res);
    }
    if (parts[0] !== "messages") return notFound(res);
    const m = byId(parts[1]);
    if (!m) return notFound(res);
    if (parts.length === 2) return send(res, 200, "text/html; charset=utf-8", messagePage(m), { "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; frame-src 'self'; img-src 'self'" });
    if (parts.length === 3 && parts[2] === "html") {
      return send(res, 200, "text/html; charset=utf-8", renderedHtml(m), {
        "content-security-policy": "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; font-src *",
      });
    }
    if (parts.length === 3 && parts[2] === "text") return send(res, 200, "text/plain; charset=utf-8", m.text ?? "");
    if (parts.length === 4 && parts[2] === "parts") {
      const cid = decodeURIComponent(parts[3]!);
      const a = m.attachments.find((x) => x.cid === cid || x.filename === cid);
      return a ? send(res, 200, a.contentType, a.content) : notFound(res);
    }
    return notFound(res);
  };

  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      send(res, 500, "text/plain; charset=utf-8", `mailbox error: ${String(err)}`);
    }
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? HOST, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  base = `http://localhost:${port}`;
  return {
    url: `${base}/`,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
