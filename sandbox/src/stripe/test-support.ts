import http from "node:http";
import type { AddressInfo } from "node:net";

// Helpers shared by the stand-in's tests: a local webhook receiver that records raw bodies and
// can be told to fail, and polling for things that happen asynchronously (refund settlement,
// webhook retries).

export interface ReceivedWebhook {
  rawBody: string;
  signature: string;
  headers: http.IncomingHttpHeaders;
  status: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Decides the HTTP status for each delivery (default 200). */
  respond: (body: string, attempt: number) => number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const attemptsById = new Map<string, number>();
  const receiver: WebhookReceiver = {
    url: "",
    received: [],
    respond: () => 200,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const id = (JSON.parse(rawBody) as { id: string }).id;
      const attempt = (attemptsById.get(id) ?? 0) + 1;
      attemptsById.set(id, attempt);
      const status = receiver.respond(rawBody, attempt);
      receiver.received.push({ rawBody, signature: String(req.headers["stripe-signature"] ?? ""), headers: req.headers, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
  return receiver;
}

export async function eventually<T>(probe: () => T | Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** What a holder's browser sees when it opens an Account Link: the page, or a redirect (single-use, expired). */
export interface OpenedLink {
  status: number;
  location: string | null;
  html: string;
  /** The onboarding form's action (absolute) and its hidden session field, when the page opened. */
  form: { action: string; visit: string } | null;
}

export async function openLink(url: string): Promise<OpenedLink> {
  const res = await fetch(url, { redirect: "manual" });
  const html = await res.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const visit = /name="visit" value="([^"]+)"/.exec(html)?.[1];
  return {
    status: res.status,
    location: res.headers.get("location"),
    html,
    form: action && visit ? { action: new URL(action.replace(/&amp;/g, "&"), url).toString(), visit } : null,
  };
}

/** Submits the onboarding page as the holder would by pressing one of its buttons; answers where the browser goes next. */
export async function submitOnboarding(opened: OpenedLink, outcome: string, visit = opened.form?.visit ?? ""): Promise<{ status: number; location: string | null }> {
  if (!opened.form) throw new Error(`the onboarding page did not open (status ${opened.status}, location ${opened.location ?? "none"})`);
  const res = await fetch(opened.form.action, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ visit, outcome }).toString(),
  });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get("location") };
}
