import nodemailer from "nodemailer";
import { addressOf, domainOf, EmailSendError, IDEMPOTENCY_HEADER, messageIdFor, validateMessage, type EmailSender } from "./email.ts";

export interface SmtpSenderOptions {
  /**
   * `smtp://[user:pass@]host:port` (STARTTLS when the server offers it) or `smtps://…`
   * (TLS from the start). Query parameters pass nodemailer options, e.g. `?pool=true` or
   * `?requireTLS=true`; they win over the defaults below.
   */
  url: string;
  /** The From header, e.g. `Giftloop <gifts@giftloop.example>`. */
  from: string;
  /** Domain for Message-IDs; default: the From address's domain. */
  messageIdDomain?: string;
  /** Connection, greeting and socket timeouts in ms (default 10 s, 10 s, 30 s). */
  timeouts?: { connectionMs?: number; greetingMs?: number; socketMs?: number };
}

export interface SmtpSender extends EmailSender {
  /** Connects and authenticates once, for a start-up health check. */
  verify(): Promise<void>;
  /** Closes pooled connections (a no-op without `?pool=true`). */
  close(): void;
}

/** The live EmailSender: nodemailer over SMTP. See email.ts for the idempotency rules. */
export function createSmtpSender(options: SmtpSenderOptions): SmtpSender {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new TypeError("the SMTP URL is not a URL");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new TypeError("the SMTP URL must start with smtp:// or smtps://");
  const domain = options.messageIdDomain ?? domainOf(options.from);
  if (!domain) throw new TypeError("cannot derive a Message-ID domain from the From address; set messageIdDomain");

  const transport = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: options.timeouts?.connectionMs ?? 10_000,
    greetingTimeout: options.timeouts?.greetingMs ?? 10_000,
    socketTimeout: options.timeouts?.socketMs ?? 30_000,
    // Messages are built from our own data: never let them read local files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  });

  return {
    async send(msg) {
      validateMessage(msg);
      const messageId = messageIdFor(msg.idempotencyKey, domain);
      try {
        await transport.sendMail({
          // nodemailer quotes and encodes the display name itself.
          from: msg.fromName ? { name: msg.fromName.replace(/\s+/g, " ").trim(), address: addressOf(options.from) } : options.from,
          to: msg.to,
          replyTo: msg.replyTo,
          subject: msg.subject,
          html: msg.html,
          text: msg.text,
          messageId,
          headers: { ...msg.headers, [IDEMPOTENCY_HEADER]: msg.idempotencyKey },
          attachments: (msg.attachments ?? []).map((a) => ({
            filename: a.filename,
            content: a.content,
            contentType: a.contentType,
            ...(a.cid ? { cid: a.cid, contentDisposition: "inline" as const } : {}),
          })),
        });
      } catch (err) {
        throw toSendError(err);
      }
      return { messageId };
    },
    async verify() {
      try {
        await transport.verify();
      } catch (err) {
        throw toSendError(err);
      }
    },
    close() {
      transport.close();
    },
  };
}

function toSendError(err: unknown): EmailSendError {
  const e = (err ?? {}) as { message?: unknown; responseCode?: unknown; code?: unknown };
  const responseCode = typeof e.responseCode === "number" ? e.responseCode : undefined;
  const code = typeof e.code === "string" ? e.code : undefined;
  // 5xx is the relay's final answer, except a failed login (535), which is our configuration.
  const permanent = responseCode !== undefined && responseCode >= 500 && responseCode < 600 && code !== "EAUTH";
  const text = typeof e.message === "string" ? e.message : String(err);
  return new EmailSendError(`email not sent: ${text}`, permanent, responseCode, code, { cause: err });
}
