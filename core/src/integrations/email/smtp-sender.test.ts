import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmtpSink, type SmtpSink } from "@giftloop/sandbox/smtp/smtp-sink";
import { generateCode, giftLinkUrl } from "../../redemption/codes/codes.ts";
import { qrPng } from "../../redemption/codes/qr.ts";
import { createMemorySender, domainOf, EmailSendError, messageIdFor, type EmailMessage } from "./email.ts";
import { GIFT_QR_CID, renderGiftEmail } from "./gift-email.ts";
import { createSmtpSender, type SmtpSender } from "./smtp-sender.ts";

const FROM = "Giftloop <gifts@giftloop.test>";

async function giftMessage(idempotencyKey: string): Promise<{ msg: EmailMessage; url: string; png: Buffer }> {
  const url = giftLinkUrl("https://gifts.example.com", generateCode());
  const png = await qrPng(url);
  const rendered = renderGiftEmail({
    brandName: "Acme Coffee",
    recipientName: "Ana",
    senderName: "Bo",
    message: "Enjoy! <3",
    giftUrl: url,
    code: url.slice(-15),
    qrPng: png,
    expiresAt: new Date("2027-03-31T00:00:00Z"),
  });
  return { msg: { ...rendered, to: "ana@example.test", idempotencyKey }, url, png };
}

describe("Message-ID and validation", () => {
  it("derives a stable, well-formed Message-ID from the idempotency key", () => {
    const id = messageIdFor("gift-email:unit_1", "giftloop.test");
    expect(id).toMatch(/^<[0-9a-f]{40}@giftloop\.test>$/);
    expect(messageIdFor("gift-email:unit_1", "giftloop.test")).toBe(id);
    expect(messageIdFor("gift-email:unit_2", "giftloop.test")).not.toBe(id);
  });

  it("finds the From domain", () => {
    expect(domainOf("Giftloop <Gifts@Giftloop.Example>")).toBe("giftloop.example");
    expect(domainOf("gifts@mail.acme.test")).toBe("mail.acme.test");
    expect(domainOf("no address")).toBeUndefined();
  });

  it("refuses bad keys, reserved or multi-line headers, and empty recipients", async () => {
    const sender = createMemorySender();
    const { msg } = await giftMessage("k1");
    await expect(sender.send({ ...msg, idempotencyKey: "" })).rejects.toThrow(/idempotencyKey/);
    await expect(sender.send({ ...msg, idempotencyKey: "has space" })).rejects.toThrow(/idempotencyKey/);
    await expect(sender.send({ ...msg, headers: { "Message-ID": "<x@y>" } })).rejects.toThrow(/set by the sender/);
    await expect(sender.send({ ...msg, headers: { "X-Giftloop-Idempotency-Key": "other" } })).rejects.toThrow(/set by the sender/);
    await expect(sender.send({ ...msg, headers: { "X-Note": "a\r\nBcc: evil@x.test" } })).rejects.toThrow(/single-line/);
    await expect(sender.send({ ...msg, headers: { "Bad Name": "x" } })).rejects.toThrow(/header name/);
    await expect(sender.send({ ...msg, to: [] })).rejects.toThrow(/recipient/);
    await expect(sender.send({ ...msg, subject: "a\nb" })).rejects.toThrow(/subject/);
    expect(sender.sent).toHaveLength(0);
  });

  it("the memory stand-in records what was sent with the same Message-ID rule", async () => {
    const sender = createMemorySender({ from: FROM });
    const { msg } = await giftMessage("gift-email:unit_9");
    const { messageId } = await sender.send(msg);
    expect(messageId).toBe(messageIdFor("gift-email:unit_9", "giftloop.test"));
    expect(sender.sent).toMatchObject([{ to: "ana@example.test", from: FROM, messageId }]);
  });

  it("createSmtpSender refuses a non-SMTP URL and a From without a domain", () => {
    expect(() => createSmtpSender({ url: "http://127.0.0.1:25", from: FROM })).toThrow(/smtp:\/\//);
    expect(() => createSmtpSender({ url: "smtp://127.0.0.1:25", from: "nobody" })).toThrow(/messageIdDomain/);
  });
});

describe("SMTP sender → sandbox SMTP sink (end to end)", () => {
  let sink: SmtpSink;
  let sender: SmtpSender;

  beforeAll(async () => {
    sink = await startSmtpSink();
    sender = createSmtpSender({ url: sink.url, from: FROM });
  });
  afterAll(async () => {
    sender?.close();
    await sink?.stop();
  });
  beforeEach(() => sink.clear());

  it("delivers the gift email as a mail client would read it", async () => {
    await sender.verify();
    const { msg, url, png } = await giftMessage("gift-email:unit_1");
    const { messageId } = await sender.send({ ...msg, headers: { "X-Giftloop-Unit": "unit_1" } });

    const got = await sink.waitFor((m) => m.messageId === messageId);
    expect(got.subject).toBe("Bo sent you a gift from Acme Coffee");
    expect(got.from).toBe("gifts@giftloop.test");
    expect(got.fromName).toBe("Giftloop");
    expect(got.to).toEqual(["ana@example.test"]);
    expect(got.html).toContain(`href="${url}"`);
    expect(got.html).toContain(`src="cid:${GIFT_QR_CID}"`);
    expect(got.html).toContain("Enjoy! &lt;3");
    expect(got.text).toContain(`Open your gift: ${url}`);
    expect(got.headers["x-giftloop-idempotency-key"]).toBe("gift-email:unit_1");
    expect(got.headers["x-giftloop-unit"]).toBe("unit_1");

    expect(got.attachments).toHaveLength(1);
    const qr = got.attachments[0]!;
    expect(qr).toMatchObject({ cid: GIFT_QR_CID, contentType: "image/png", filename: "gift-qr.png", inline: true });
    expect(qr.content.equals(png)).toBe(true);
  });

  it("sends under the message's own display name from the configured address, with its Reply-To", async () => {
    const { msg } = await giftMessage("gift-email:unit_from");
    await sender.send({ ...msg, fromName: 'Acme, "Inc." via Northwind', replyTo: "maya@acme.test" });
    const got = await sink.waitFor((m) => m.headers["x-giftloop-idempotency-key"] === "gift-email:unit_from");
    expect(got.from).toBe("gifts@giftloop.test");
    expect(got.fromName).toBe('Acme, "Inc." via Northwind');
    expect(got.headers["reply-to"]).toContain("maya@acme.test");
    await expect(sender.send({ ...msg, fromName: "two\nlines" })).rejects.toThrow(/fromName/);
  });

  it("gives a retried send the same Message-ID, and another key a different one", async () => {
    const { msg } = await giftMessage("gift-email:unit_2");
    const first = await sender.send(msg);
    const retry = await sender.send(msg);
    const other = await sender.send({ ...msg, idempotencyKey: "gift-email:unit_3" });
    expect(retry.messageId).toBe(first.messageId);
    expect(other.messageId).not.toBe(first.messageId);

    const received = sink.messages();
    expect(received.map((m) => m.messageId)).toEqual([first.messageId, first.messageId, other.messageId]);
    expect(received[0]!.messageId).toBe(messageIdFor("gift-email:unit_2", "giftloop.test"));
  });

  it("reports a temporary refusal as retryable and a permanent one as not", async () => {
    const { msg } = await giftMessage("gift-email:unit_4");

    sink.rejectNext(1, 451);
    const temporary = await sender.send(msg).catch((e: unknown) => e);
    expect(temporary).toBeInstanceOf(EmailSendError);
    expect(temporary).toMatchObject({ permanent: false, responseCode: 451 });

    sink.rejectNext(1, 550, "Mailbox unavailable");
    const permanent = await sender.send(msg).catch((e: unknown) => e);
    expect(permanent).toMatchObject({ permanent: true, responseCode: 550 });

    await sender.send(msg);
    expect(sink.messages()).toHaveLength(1);
  });

  it("reports an unreachable relay as retryable", async () => {
    const stopped = await startSmtpSink();
    const url = stopped.url;
    await stopped.stop();
    const dead = createSmtpSender({ url, from: FROM, timeouts: { connectionMs: 2000 } });
    const { msg } = await giftMessage("gift-email:unit_5");
    const err = await dead.send(msg).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmailSendError);
    expect(err).toMatchObject({ permanent: false });
  });
});
