import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailbox, type Mailbox } from "./mailbox.ts";
import { startSmtpSink, type SmtpSink } from "./smtp-sink.ts";

const PIXEL = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

describe("sandbox mailbox", () => {
  let sink: SmtpSink;
  let mailbox: Mailbox;
  const get = (path: string) => fetch(new URL(path, mailbox.url));

  beforeAll(async () => {
    sink = await startSmtpSink();
    mailbox = await startMailbox(sink);
    const t = nodemailer.createTransport(sink.url);
    await t.sendMail({
      from: '"Acme via Northwind" <gifts@giftloop.test>',
      replyTo: "maya@acme.test",
      to: "ada@example.test",
      subject: "Maya sent you a gift from Northwind",
      text: "Open your gift: http://localhost:3000/g/ABCDE-FGHJK\nThanks!",
      html: '<!DOCTYPE html><html><head><title>x</title></head><body><p>Hi <b>Ada</b> <a href="http://localhost:3000/g/ABCDE-FGHJK">Open</a></p><img src="cid:gift-qr@giftloop" alt="QR"><script>alert(1)</script></body></html>',
      attachments: [{ filename: "gift-qr.png", content: PIXEL, contentType: "image/png", cid: "gift-qr@giftloop" }],
    });
    await t.sendMail({ from: "gifts@giftloop.test", to: "grace@example.test", subject: "Your gift has shipped", text: "Tracking: UPS 1Z" });
    await sink.waitFor((m) => m.subject === "Your gift has shipped");
  });
  afterAll(async () => {
    await mailbox?.stop();
    await sink?.stop();
  });

  it("lists every caught email newest first, with recipient, subject and time, on a page and as JSON", async () => {
    const html = await (await get("/")).text();
    expect(html).toContain("2 emails caught");
    expect(html.indexOf("Your gift has shipped")).toBeLessThan(html.indexOf("Maya sent you a gift"));
    expect(html).toContain("ada@example.test");
    expect(html).toMatch(/<time datetime="\d{4}-\d\d-\d\dT/);
    const list = (await (await get("/api/messages")).json()) as { items: Array<{ id: number; to: string[]; subject: string; fromName: string; replyTo: string | null; page: string }> };
    expect(list.items.map((m) => m.subject)).toEqual(["Your gift has shipped", "Maya sent you a gift from Northwind"]);
    expect(list.items[1]).toMatchObject({ to: ["ada@example.test"], fromName: "Acme via Northwind", replyTo: "maya@acme.test" });
    expect(list.items[1]!.page).toBe(`${mailbox.url}messages/${list.items[1]!.id}`);
    const ada = (await (await get("/api/messages?to=ADA@example.test")).json()) as { items: Array<{ id: number }> };
    expect(ada.items).toHaveLength(1);
    expect(((await (await get("/api/messages?subject=shipped")).json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it("shows one email as the recipient sees it: its HTML with inline images, scripts blocked, and its links in JSON", async () => {
    const [m] = ((await (await get("/api/messages?to=ada@example.test")).json()) as { items: Array<{ id: number }> }).items;
    const one = (await (await get(`/api/messages/${m!.id}`)).json()) as { links: string[]; text: string; attachments: Array<{ cid: string }> };
    expect(one.links).toEqual(["http://localhost:3000/g/ABCDE-FGHJK"]);
    expect(one.attachments[0]!.cid).toBe("gift-qr@giftloop");
    const pageHtml = await (await get(`/messages/${m!.id}`)).text();
    expect(pageHtml).toContain(`<iframe title="The email as the recipient sees it" src="/messages/${m!.id}/html"`);
    expect(pageHtml).toContain("maya@acme.test");
    const body = await get(`/messages/${m!.id}/html`);
    expect(body.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    const bodyHtml = await body.text();
    expect(bodyHtml).toContain(`src="/messages/${m!.id}/parts/gift-qr%40giftloop"`);
    expect(bodyHtml).toContain('<base target="_blank">');
    const img = await get(`/messages/${m!.id}/parts/gift-qr%40giftloop`);
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await img.arrayBuffer()).equals(PIXEL)).toBe(true);
    expect(await (await get(`/messages/${m!.id}/text`)).text()).toContain("Open your gift:");
    expect((await get("/messages/999")).status).toBe(404);
    expect((await get("/api/messages/999")).status).toBe(404);
  });

  it("can be emptied", async () => {
    const res = await fetch(new URL("/api/messages", mailbox.url), { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(((await (await get("/api/messages")).json()) as { items: unknown[] }).items).toEqual([]);
    expect(await (await get("/")).text()).toContain("No email yet");
  });
});
