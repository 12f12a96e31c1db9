import type { AddressInfo } from "node:net";
import { simpleParser, type AddressObject, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";

/**
 * The email stand-in: a real SMTP server on loopback that accepts every message and keeps
 * it, parsed, in memory. The product sends to it exactly as it would to a real relay
 * (SMTP_URL=smtp://127.0.0.1:<port>), so tests read back what a mail client would get:
 * headers, both bodies, attachments and inline (CID) images.
 *
 * No TLS (STARTTLS is disabled, so no certificate is involved) and any credentials are
 * accepted, so an SMTP_URL with a user and password works against it too.
 */
export interface SinkAttachment {
  filename: string | undefined;
  contentType: string;
  /** Content-ID without the angle brackets, as an HTML body refers to it (`cid:<this>`). */
  cid: string | undefined;
  /** Shown inline (Content-Disposition: inline, or part of multipart/related). */
  inline: boolean;
  content: Buffer;
  size: number;
}

export interface ParsedMessage {
  /** This sink's number for the message: 1 for the first received, never reused. */
  id: number;
  /** The SMTP envelope (MAIL FROM / RCPT TO), which is where Bcc recipients show up. */
  envelope: { from: string | undefined; to: string[] };
  /** The Message-ID header, with its angle brackets. */
  messageId: string | undefined;
  /** Address of the From header. */
  from: string | undefined;
  /** Display name of the From header ("" when none). */
  fromName: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string | undefined;
  /** The HTML body as sent: `cid:` references are kept, not turned into data URLs. */
  html: string | undefined;
  attachments: SinkAttachment[];
  /** Header name (lower case) → unfolded value; the first occurrence of a repeated header wins. */
  headers: Record<string, string>;
  /** The message as it came over the wire. */
  raw: Buffer;
  receivedAt: Date;
  /** mailparser's full result, for anything not lifted out above. */
  mail: ParsedMail;
}

export interface SmtpSinkOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Largest accepted message in bytes (default 25 MiB); larger ones get a 552. */
  maxMessageBytes?: number;
  /** How many messages to keep; the oldest are forgotten beyond it (default: all). */
  keep?: number;
}

export interface SmtpSink {
  host: string;
  port: number;
  /** `smtp://127.0.0.1:<port>`, ready for SMTP_URL. */
  url: string;
  /** Messages received so far, oldest first. */
  messages(): ParsedMessage[];
  /**
   * The first message (already received or arriving later) that matches; rejects after
   * `timeoutMs` (default 5000) with the subjects of what did arrive.
   */
  waitFor(pred: (m: ParsedMessage) => boolean, timeoutMs?: number): Promise<ParsedMessage>;
  /**
   * Answer the next `count` messages with an SMTP error instead of accepting them, e.g. a
   * 451 (temporary: the sender should retry) or a 550 (permanent). For failure scenarios.
   */
  rejectNext(count: number, responseCode?: number, message?: string): void;
  /** Forgets received messages (pending `waitFor`s keep waiting). */
  clear(): void;
  stop(): Promise<void>;
}

interface Waiter {
  pred: (m: ParsedMessage) => boolean;
  resolve: (m: ParsedMessage) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const HOST = "127.0.0.1";

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const received: ParsedMessage[] = [];
  const waiters = new Set<Waiter>();
  const rejections: { responseCode: number; message: string }[] = [];
  let stopped = false;

  let lastId = 0;
  const deliver = (msg: ParsedMessage) => {
    received.push(msg);
    if (options.keep !== undefined && received.length > options.keep) received.splice(0, received.length - options.keep);
    for (const w of waiters) {
      if (safeMatch(w.pred, msg)) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(msg);
      }
    }
  };

  const server = new SMTPServer({
    name: "giftloop-smtp-sink",
    logger: false,
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    size: options.maxMessageBytes ?? 25 * 1024 * 1024,
    rejectOversized: true,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? "sink" });
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.once("error", (err) => callback(err));
      stream.once("end", () => {
        const rejection = rejections.shift();
        if (rejection) {
          callback(Object.assign(new Error(rejection.message), { responseCode: rejection.responseCode }));
          return;
        }
        if (stream.sizeExceeded) {
          callback(null); // rejectOversized answers 552 itself
          return;
        }
        const raw = Buffer.concat(chunks);
        parseMessage(raw, session, ++lastId).then(
          (msg) => {
            deliver(msg);
            callback(null, `queued as ${msg.id}`);
          },
          (err: unknown) => callback(Object.assign(new Error(`sink could not parse the message: ${String(err)}`), { responseCode: 554 })),
        );
      });
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off("error", reject);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
  // After start-up, a connection-level error (a client hanging up mid-command) is not fatal.
  server.on("error", () => {});

  return {
    host: HOST,
    port,
    url: `smtp://${HOST}:${port}`,
    messages: () => [...received],
    waitFor(pred, timeoutMs = 5000) {
      const found = received.find((m) => safeMatch(pred, m));
      if (found) return Promise.resolve(found);
      if (stopped) return Promise.reject(new Error("the SMTP sink is stopped"));
      return new Promise<ParsedMessage>((resolve, reject) => {
        const waiter: Waiter = {
          pred,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            const seen = received.map((m) => JSON.stringify(m.subject)).join(", ") || "none";
            reject(new Error(`no matching email within ${timeoutMs} ms (received: ${seen})`));
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    rejectNext(count, responseCode = 451, message = "Temporary failure, try again later (sink)") {
      if (responseCode < 400 || responseCode > 599) throw new RangeError("responseCode must be a 4xx or 5xx SMTP code");
      for (let i = 0; i < count; i++) rejections.push({ responseCode, message });
    },
    clear() {
      received.length = 0;
      rejections.length = 0;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error("the SMTP sink was stopped"));
      }
      waiters.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function safeMatch(pred: (m: ParsedMessage) => boolean, m: ParsedMessage): boolean {
  try {
    return pred(m);
  } catch {
    return false;
  }
}

async function parseMessage(raw: Buffer, session: SMTPServerSession, id: number): Promise<ParsedMessage> {
  // keepCidLinks: leave `cid:` references in the HTML as sent (the default inlines them as data URLs).
  const mail = await simpleParser(raw, { keepCidLinks: true, skipTextToHtml: true });
  const from = addresses(mail.from)[0];
  const headers: Record<string, string> = {};
  for (const { key, line } of mail.headerLines) {
    if (key in headers) continue;
    const colon = line.indexOf(":");
    headers[key] = line.slice(colon + 1).replace(/\r?\n[ \t]+/g, " ").trim();
  }
  return {
    id,
    envelope: {
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
      to: session.envelope.rcptTo.map((a) => a.address),
    },
    messageId: mail.messageId,
    from: from?.address,
    fromName: from?.name ?? "",
    to: addresses(mail.to).map((a) => a.address),
    cc: addresses(mail.cc).map((a) => a.address),
    subject: mail.subject ?? "",
    text: mail.text,
    html: typeof mail.html === "string" ? mail.html : undefined,
    attachments: mail.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      cid: a.cid,
      inline: a.contentDisposition === "inline" || a.related === true,
      content: a.content,
      size: a.size,
    })),
    headers,
    raw,
    receivedAt: new Date(),
    mail,
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] {
  if (!field) return [];
  const list = Array.isArray(field) ? field : [field];
  const out: { address: string; name: string }[] = [];
  const walk = (entries: AddressObject["value"]) => {
    for (const e of entries) {
      if (e.group) walk(e.group);
      else if (e.address) out.push({ address: e.address, name: e.name });
    }
  };
  for (const a of list) walk(a.value);
  return out;
}
