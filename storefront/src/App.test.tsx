import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { App } from "./App.tsx";

describe("App (landing page)", () => {
  it("renders the code-entry form, which works without JavaScript", () => {
    const html = renderToString(<App />);
    expect(html).toContain("Redeem your gift");
    expect(html).toMatch(/<form[^>]*method="get"[^>]*action="\/redeem"/);
    expect(html).toMatch(/<input[^>]*name="code"/);
    expect(html).toContain("Open my gift");
  });

  it("shows a code from a gift link normalised and grouped", () => {
    const html = renderToString(<App initialCode="abcde fghjk-mnpqr" />);
    expect(html).toContain('value="ABCDE-FGHJK-MNPQR"');
    expect(html).toContain('aria-invalid="false"');
  });

  it("flags an impossible character at once", () => {
    const html = renderToString(<App initialCode="oooo" />);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('role="alert"');
  });

  it("shows progress while a code is checked, and the server's words about a code", () => {
    const busy = renderToString(<App initialCode="ABCDE-FGHJK-MNPQR" busy />);
    expect(busy).toMatch(/<button[^>]*disabled=""[^>]*>.*Opening…<\/button>/);
    const bad = renderToString(<App initialCode="ABCDE-FGHJK-MNPQS" problem={{ message: "This code has a typo: check each character.", aboutCode: true }} />);
    expect(bad).toContain("This code has a typo: check each character.");
    expect(bad).toContain('value="ABCDE-FGHJK-MNPQS"');
    expect(bad).toContain('aria-invalid="true"');
  });
});
