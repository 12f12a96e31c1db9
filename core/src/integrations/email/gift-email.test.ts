import { describe, expect, it } from "vitest";
import { formatCode, generateCode, giftLinkUrl } from "../../redemption/codes/codes.ts";
import { qrPng } from "../../redemption/codes/qr.ts";
import { GIFT_QR_CID, renderGiftEmail, type GiftEmailInput } from "./gift-email.ts";
import { escapeHtml, html, multiline, safeHttpUrl } from "./html.ts";

const code = generateCode();
const giftUrl = `${giftLinkUrl("https://gifts.example.com", code)}?utm_source=email&lang=en`;
const png = await qrPng(giftUrl, { size: 400 });

function input(over: Partial<GiftEmailInput> = {}): GiftEmailInput {
  return {
    brandName: "Acme Coffee",
    brandLogoUrl: "https://cdn.example.com/acme.png",
    brandColor: "#0f766e",
    recipientName: "Ana",
    senderName: "Bo",
    message: "Happy birthday!\nEnjoy a cup on me.",
    giftUrl,
    code,
    qrPng: png,
    expiresAt: new Date("2027-03-31T12:00:00Z"),
    ...over,
  };
}

describe("html helpers", () => {
  it("escape every interpolation, keep nested html, drop empty values", () => {
    const name = `"><script>alert('x')</script>&`;
    expect(escapeHtml(name)).toBe("&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;");
    const out = html`<a title="${name}">${[html`<b>${name}</b>`, undefined, false, null, 3]}</a>`.value;
    expect(out).toBe(
      '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"><b>&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</b>3</a>',
    );
    expect(multiline("a<b\r\nc").value).toBe("a&lt;b<br>\nc");
  });

  it("safeHttpUrl accepts only absolute http(s) URLs without credentials", () => {
    expect(safeHttpUrl("https://x.test/a b")).toBe("https://x.test/a%20b");
    expect(safeHttpUrl("http://x.test/", { httpsOnly: true })).toBeUndefined();
    for (const bad of ["javascript:alert(1)", "data:text/html,x", "//x.test", "/g/abc", "https://u:p@x.test", "", undefined]) {
      expect(safeHttpUrl(bad)).toBeUndefined();
    }
  });
});

describe("renderGiftEmail", () => {
  it("has a subject naming the sender and the brand", () => {
    expect(renderGiftEmail(input()).subject).toBe("Bo sent you a gift from Acme Coffee");
    expect(renderGiftEmail(input({ senderName: undefined })).subject).toBe("You've received a gift from Acme Coffee");
    expect(renderGiftEmail(input({ senderName: "Bo\r\nBcc: evil@x.test" })).subject).toBe("Bo Bcc: evil@x.test sent you a gift from Acme Coffee");
  });

  it("escapes the personal message and names, never passing them through as HTML", () => {
    const { html: out, text } = renderGiftEmail(
      input({
        message: `<script>alert("hi")</script>\n<img src=x onerror=alert(1)>`,
        recipientName: `Ana"><a href="https://evil.test">`,
        senderName: "<b>Bo</b>",
        brandName: "Acme & Sons",
      }),
    );
    expect(out).not.toMatch(/<script/i);
    expect(out).not.toContain("<img src=x");
    expect(out).not.toContain('href="https://evil.test"');
    expect(out).not.toContain("<b>Bo</b>");
    expect(out).toContain("&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;<br>\n&lt;img src=x onerror=alert(1)&gt;");
    expect(out).toContain("Hi Ana&quot;&gt;&lt;a,"); // the first name only, escaped
    expect(out).toContain("Acme &amp; Sons");
    // The text part is plain text: shown as written.
    expect(text).toContain(`> <script>alert("hi")</script>`);
  });

  it("links the button and the fallback to the gift URL", () => {
    const { html: out, text } = renderGiftEmail(input());
    const href = `href="${giftUrl.replaceAll("&", "&amp;")}"`;
    expect(out.split(href)).toHaveLength(3);
    expect(out).toMatch(/<a href="[^"]+"[^>]*>Open your gift<\/a>/);
    expect(text).toContain(`Open your gift: ${giftUrl}`);
  });

  it("shows the QR code as an inline CID image that is attached", () => {
    const { html: out, attachments } = renderGiftEmail(input());
    expect(out).toContain(`src="cid:${GIFT_QR_CID}"`);
    expect(attachments).toEqual([{ filename: "gift-qr.png", content: png, contentType: "image/png", cid: GIFT_QR_CID }]);
  });

  it("shows the code grouped for typing, in the HTML and the text", () => {
    const { html: out, text } = renderGiftEmail(input({ code: code.toLowerCase() }));
    expect(out).toContain(`>${formatCode(code)}</td>`);
    expect(text).toContain(`Your gift code: ${formatCode(code)}`);
  });

  it("shows the brand: logo (https only) or name, colour validated", () => {
    const withLogo = renderGiftEmail(input()).html;
    expect(withLogo).toContain('<img src="https://cdn.example.com/acme.png" alt="Acme Coffee"');
    expect(withLogo).toContain("background-color:#0f766e");

    for (const brandLogoUrl of ["javascript:alert(1)", "http://cdn.example.com/acme.png", undefined]) {
      const out = renderGiftEmail(input({ brandLogoUrl })).html;
      expect(out).not.toContain("acme.png");
      expect(out).not.toContain("javascript:");
      expect(out).toMatch(/<span [^>]*>Acme Coffee<\/span>/);
    }

    const hostile = renderGiftEmail(input({ brandColor: "red;background:url(https://evil.test)" })).html;
    expect(hostile).not.toContain("evil.test");
    expect(hostile).toContain("background-color:#4f46e5");
    // A pale brand colour gets dark button text.
    expect(renderGiftEmail(input({ brandColor: "#FDE68A" })).html).toMatch(/color:#18181b;text-decoration:none;[^>]*>Open your gift/);
    expect(renderGiftEmail(input()).html).toMatch(/color:#ffffff;text-decoration:none;[^>]*>Open your gift/);
  });

  it("states the expiry in the recipient's locale, or leaves it out", () => {
    expect(renderGiftEmail(input()).html).toContain("Redeem by <strong>March 31, 2027</strong>.");
    expect(renderGiftEmail(input()).text).toContain("Redeem by March 31, 2027.");
    const de = renderGiftEmail(input({ locale: "de-DE" }));
    expect(de.html).toContain("31. März 2027");
    expect(de.html).toContain('<html lang="de-DE"');
    expect(renderGiftEmail(input({ locale: "not a locale!" })).html).toContain('<html lang="en"');
    const none = renderGiftEmail(input({ expiresAt: undefined }));
    expect(none.html).not.toContain("Redeem by");
    expect(none.text).not.toContain("Redeem by");
  });

  it("is email-client-safe: tables, inline styles, nothing external or scripted", () => {
    const out = renderGiftEmail(input()).html;
    expect(out.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(out).not.toMatch(/<script|<link|<style|<iframe|<form|javascript:|\son\w+=/i);
    expect(out).not.toMatch(/class=/);
    const tables = out.match(/<table\b[^>]*>/g) ?? [];
    expect(tables.length).toBeGreaterThan(3);
    for (const t of tables) expect(t).toContain('role="presentation"');
    // Every image has alt text and a size.
    for (const img of out.match(/<img\b[^>]*>/g) ?? []) {
      expect(img).toMatch(/alt="[^"]+"/);
      expect(img).toMatch(/height="\d+"/);
    }
  });

  it("has a plain-text alternative with everything a reader needs", () => {
    const { text } = renderGiftEmail(input());
    expect(text).toBe(
      [
        "Hi Ana,",
        "",
        "Bo sent you a gift from Acme Coffee.",
        "",
        "> Happy birthday!",
        "> Enjoy a cup on me.",
        "> — Bo",
        "",
        `Open your gift: ${giftUrl}`,
        "",
        `Your gift code: ${formatCode(code)}`,
        "Redeem by March 31, 2027.",
        "",
        "Keep this code private: anyone who has it can redeem the gift.",
        "Sent on behalf of Acme Coffee.",
        "",
      ].join("\n"),
    );
    expect(text).not.toMatch(/<[a-z]/i);
  });

  it("greets by first name and shows the gift: its picture, name and what to choose", () => {
    const { html: out, text } = renderGiftEmail(
      input({ recipientName: "Ana María Gómez", gift: { title: "Pick your favourite", detail: "Choose from 2 gifts", imageUrl: "https://cdn.example.com/hoodie.jpg" } }),
    );
    expect(out).toContain("Hi Ana,");
    expect(out).toMatch(/<img src="https:\/\/cdn\.example\.com\/hoodie\.jpg" width="200" height="200" alt="Pick your favourite"/);
    expect(out).toContain("Choose from 2 gifts");
    expect(text).toContain("Your gift: Pick your favourite (Choose from 2 gifts)");
    // No picture where the gift has none, or its URL is not http(s).
    expect(renderGiftEmail(input({ gift: { title: "Mug", imageUrl: "javascript:x" } })).html).not.toContain("javascript:");
    expect(renderGiftEmail(input({ gift: { title: "Mug", imageUrl: null } })).html).toContain(">Mug</p>");
  });

  it("reminds a recipient who has not opened the gift, with the same way in", () => {
    const reminder = renderGiftEmail(input({ kind: "reminder" }));
    expect(reminder.subject).toBe("Reminder: your gift from Acme Coffee is waiting for you");
    expect(reminder.html).toContain("Your gift is waiting");
    expect(reminder.html).toContain("Bo sent you a gift from Acme Coffee, and it&#39;s still waiting for you.");
    expect(reminder.html).toMatch(/>Open your gift<\/a>/);
    const last = renderGiftEmail(input({ kind: "last_reminder" }));
    expect(last.subject).toBe("Your gift from Acme Coffee expires on March 31, 2027");
    expect(last.text).toContain("The gift Bo sent you from Acme Coffee is still waiting for you, but not for long.");
  });

  it("refuses a bad gift URL, QR image or brand", () => {
    expect(() => renderGiftEmail(input({ giftUrl: "javascript:alert(1)" }))).toThrow(/giftUrl/);
    expect(() => renderGiftEmail(input({ qrPng: Buffer.from("not a png") }))).toThrow(/PNG/);
    expect(() => renderGiftEmail(input({ brandName: "  " }))).toThrow(/brandName/);
  });
});
