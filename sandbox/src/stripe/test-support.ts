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
