import nodemailer from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmtpSink, type SmtpSink } from "./smtp-sink.ts";

// A 1×1 transparent PNG.
const PIXEL = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

describe("SMTP sink", () => {
  let sink: SmtpSink;
  const transport = () => nodemailer.createTransport(sink.url);

  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.stop();
  });
  beforeEach(() => sink.clear());

  it("listens on loopback and advertises its URL", () => {
    expect(sink.host).toBe("127.0.0.1");
    expect(sink.port).toBeGreaterThan(0);
    expect(sink.url).toBe(`smtp://127.0.0.1:${sink.port}`);
  });

  it("stores a received message parsed: addresses, bodies, headers, attachments, inline images", async () => {
    const info = await transport().sendMail({
      from: '"Acme Gifts" <gifts@acme.test>',
      to: "Ana <ana@example.test>, bo@example.test",
      cc: "cc@example.test",
      bcc: "hidden@example.test",
      subject: "Ein Geschenk für dich 🎁",
      text: "Plain body",
      html: '<p>HTML body <img src="cid:pixel@test"></p>',
      headers: { "X-Test-Header": "hello" },
      messageId: "<fixed-id@acme.test>",
      attachments: [
        { filename: "pixel.png", content: PIXEL, contentType: "image/png", cid: "pixel@test" },
        { filename: "terms.txt", content: "Terms and conditions" },
      ],
    });
    expect(info.accepted).toHaveLength(4);

    const m = await sink.waitFor((x) => x.subject.startsWith("Ein Geschenk"));
    expect(m.messageId).toBe("<fixed-id@acme.test>");
    expect(m.from).toBe("gifts@acme.test");
    expect(m.fromName).toBe("Acme Gifts");
    expect(m.to).toEqual(["ana@example.test", "bo@example.test"]);
    expect(m.cc).toEqual(["cc@example.test"]);
    expect(m.envelope.from).toBe("gifts@acme.test");
    expect(m.envelope.to).toContain("hidden@example.test");
    expect(m.headers["x-test-header"]).toBe("hello");
    expect(m.headers["bcc"]).toBeUndefined();
    expect(m.subject).toBe("Ein Geschenk für dich 🎁");
    expect(m.text?.trim()).toBe("Plain body");
    expect(m.html).toContain('src="cid:pixel@test"');

    const pixel = m.attachments.find((a) => a.cid === "pixel@test");
    expect(pixel).toMatchObject({ filename: "pixel.png", contentType: "image/png", inline: true });
    expect(pixel?.content.equals(PIXEL)).toBe(true);
    const terms = m.attachments.find((a) => a.filename === "terms.txt");
    expect(terms).toMatchObject({ contentType: "text/plain", inline: false });
    expect(terms?.content.toString()).toBe("Terms and conditions");
    expect(m.raw.toString()).toContain("Message-ID: <fixed-id@acme.test>");
  });

  it("waitFor resolves for a message that arrives later, and times out naming what arrived", async () => {
    const later = sink.waitFor((m) => m.subject === "later", 5000);
    await transport().sendMail({ from: "a@x.test", to: "b@x.test", subject: "other", text: "x" });
    await transport().sendMail({ from: "a@x.test", to: "b@x.test", subject: "later", text: "y" });
    expect((await later).text?.trim()).toBe("y");
    expect(sink.messages().map((m) => m.subject)).toEqual(["other", "later"]);

    await expect(sink.waitFor((m) => m.subject === "never", 50)).rejects.toThrow(/no matching email within 50 ms \(received: "other", "later"\)/);
  });

  it("accepts any credentials, so an SMTP_URL with a user works", async () => {
    const url = sink.url.replace("smtp://", "smtp://user:secret@");
    await nodemailer.createTransport(url).sendMail({ from: "a@x.test", to: "b@x.test", subject: "authed", text: "x" });
    await expect(sink.waitFor((m) => m.subject === "authed")).resolves.toBeTruthy();
  });

  it("rejectNext answers with an SMTP error, then accepts again", async () => {
    sink.rejectNext(1, 451);
    const send = () => transport().sendMail({ from: "a@x.test", to: "b@x.test", subject: "retry me", text: "x" });
    await expect(send()).rejects.toMatchObject({ responseCode: 451 });
    expect(sink.messages()).toHaveLength(0);
    await send();
    expect(sink.messages()).toHaveLength(1);
  });

  it("clear forgets messages; stop rejects pending waiters", async () => {
    await transport().sendMail({ from: "a@x.test", to: "b@x.test", subject: "one", text: "x" });
    expect(sink.messages()).toHaveLength(1);
    sink.clear();
    expect(sink.messages()).toHaveLength(0);

    const other = await startSmtpSink();
    const pending = other.waitFor(() => false, 10_000);
    await other.stop();
    await expect(pending).rejects.toThrow(/stopped/);
  });
});
