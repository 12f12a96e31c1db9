import { createHash } from "node:crypto";

/**
 * Outbound email. One interface; the live implementation speaks SMTP (smtp-sender.ts) to
 * whatever relay SMTP_URL names, and development/tests point it at the sandbox SMTP sink
 * (sandbox/src/smtp). `createMemorySender` is the in-process stand-in for unit tests.
 *
 * SMTP has no idempotency: a retried send after a lost reply delivers a second copy. Every
 * send therefore carries an idempotency key (DESIGN §6) from which the Message-ID is
 * derived, so both copies carry the same Message-ID and mail systems (and our own
 * records) recognise them as one message.
 */
export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
  /** Content-ID (no angle brackets) for an inline image the HTML shows as `cid:<cid>`. */
  cid?: string;
}

export interface EmailMessage {
  to: string | string[];
  subject: string;
  html: string;
  text: string;
  attachments?: EmailAttachment[];
  /** Extra headers; those the sender sets itself (see RESERVED_HEADERS) are refused. */
  headers?: Record<string, string>;
  /** From our own record, e.g. `gift-email:<unitId>`; printable ASCII, at most 200 characters. */
  idempotencyKey: string;
  replyTo?: string;
  /**
   * The From display name for this message (e.g. "Acme Corp via Northwind"); the address stays
   * the configured sender's, so that the platform's domain signs and answers for it.
   */
  fromName?: string;
}

export interface EmailSender {
  /** Resolves with the Message-ID (angle brackets included) once the relay accepted the message. */
  send(msg: EmailMessage): Promise<{ messageId: string }>;
}

export const IDEMPOTENCY_HEADER = "X-Giftloop-Idempotency-Key";

/** Headers the sender derives itself and a caller may not set. */
export const RESERVED_HEADERS = new Set(
  ["from", "to", "cc", "bcc", "subject", "date", "message-id", "reply-to", "sender", "content-type", "content-transfer-encoding", "mime-version", IDEMPOTENCY_HEADER.toLowerCase()],
);

const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{1,200}$/;
const HEADER_NAME_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,76}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

/**
 * A failed send. `permanent` when the relay refused the message for good (a 5xx answer such
 * as an unknown recipient): a job should not retry it. Everything else (4xx, connection
 * errors, timeouts, authentication) is worth retrying with backoff.
 */
export class EmailSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly responseCode: number | undefined,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "EmailSendError";
  }
}

/** Checks what the SMTP layer would otherwise encode, mangle or reject late. Throws TypeError. */
export function validateMessage(msg: EmailMessage): void {
  if (!IDEMPOTENCY_KEY_RE.test(msg.idempotencyKey ?? "")) {
    throw new TypeError("idempotencyKey must be 1-200 printable ASCII characters without spaces");
  }
  const to = Array.isArray(msg.to) ? msg.to : [msg.to];
  if (to.length === 0 || to.some((a) => typeof a !== "string" || a.trim() === "" || CONTROL_RE.test(a))) {
    throw new TypeError("at least one recipient address is required");
  }
  if (typeof msg.subject !== "string" || msg.subject.trim() === "" || CONTROL_RE.test(msg.subject)) {
    throw new TypeError("subject must be a non-empty single line");
  }
  if (typeof msg.html !== "string" || typeof msg.text !== "string") throw new TypeError("html and text bodies are both required");
  if (msg.fromName !== undefined && (typeof msg.fromName !== "string" || CONTROL_RE.test(msg.fromName) || msg.fromName.length > 200)) {
    throw new TypeError("fromName must be a single line of at most 200 characters");
  }
  if (msg.replyTo !== undefined && (typeof msg.replyTo !== "string" || CONTROL_RE.test(msg.replyTo) || !msg.replyTo.includes("@"))) {
    throw new TypeError("replyTo must be an email address");
  }
  for (const [name, value] of Object.entries(msg.headers ?? {})) {
    if (!HEADER_NAME_RE.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw new TypeError(`header ${name} is set by the sender`);
    if (typeof value !== "string" || CONTROL_RE.test(value)) throw new TypeError(`header ${name} must be a single-line string`);
  }
  for (const a of msg.attachments ?? []) {
    if (!Buffer.isBuffer(a.content)) throw new TypeError(`attachment ${a.filename} content must be a Buffer`);
    if (a.cid !== undefined && !/^[\x21-\x3b\x3d\x3f-\x7e]{1,200}$/.test(a.cid)) throw new TypeError(`invalid cid ${JSON.stringify(a.cid)}`);
  }
}

/**
 * The Message-ID for an idempotency key: `<hash@domain>`, the same for every send with
 * that key. Hashed so the header is well-formed whatever the key looks like.
 */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  const hash = createHash("sha256").update(`giftloop-email\0${idempotencyKey}`).digest("hex").slice(0, 40);
  return `<${hash}@${domain}>`;
}

/** The domain of a From value (`Name <user@domain>` or `user@domain`), for Message-IDs. */
export function domainOf(from: string): string | undefined {
  const m = /@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)\s*>?\s*$/.exec(from);
  return m?.[1]?.toLowerCase();
}

/** The address of a From value (`Name <user@domain>` or `user@domain`). */
export function addressOf(from: string): string {
  return /<([^<>]+)>\s*$/.exec(from)?.[1]?.trim() ?? from.trim();
}

/**
 * The From header for a message: the configured sender, under the message's own display name
 * when it has one (quoted as RFC 5322 needs: `"Acme, Inc. via Northwind" <gifts@…>`).
 */
export function fromHeader(configured: string, fromName: string | undefined): string {
  const name = fromName?.replace(/\s+/g, " ").trim();
  if (!name) return configured;
  return `"${name.replace(/["\\]/g, "\\$&")}" <${addressOf(configured)}>`;
}

export interface SentEmail extends EmailMessage {
  messageId: string;
  from: string;
}

/** In-process stand-in: keeps what was sent, with the Message-ID the SMTP sender would use. */
export function createMemorySender(options: { from?: string } = {}): EmailSender & { sent: SentEmail[] } {
  const from = options.from ?? "Giftloop <gifts@giftloop.test>";
  const domain = domainOf(from) ?? "giftloop.test";
  const sent: SentEmail[] = [];
  return {
    sent,
    async send(msg) {
      validateMessage(msg);
      const messageId = messageIdFor(msg.idempotencyKey, domain);
      sent.push({ ...msg, from: fromHeader(from, msg.fromName), messageId });
      return { messageId };
    },
  };
}
