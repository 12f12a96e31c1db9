import { describe, expect, it } from "vitest";
import { mintRecipientToken, RECIPIENT_TOKEN_TTL_SECONDS, verifyRecipientToken } from "./recipient-token.ts";

const config = { SIGNING_SECRET: "s".repeat(40), DATA_DIR: "/tmp/unused", NODE_ENV: "test" as const };
const other = { ...config, SIGNING_SECRET: "t".repeat(40) };
const unit = "0b8e3c8e-6a7b-4c6d-9e0f-1a2b3c4d5e6f";

describe("recipient tokens", () => {
  it("round-trip for one unit until they expire", async () => {
    const now = Date.now();
    const token = await mintRecipientToken(config, unit, now);
    expect(await verifyRecipientToken(config, token, now)).toBe(unit);
    expect(await verifyRecipientToken(config, token, now + (RECIPIENT_TOKEN_TTL_SECONDS + 1) * 1000)).toBeUndefined();
  });

  it("refuse forged, altered and foreign tokens", async () => {
    const token = await mintRecipientToken(config, unit);
    expect(await verifyRecipientToken(other, token)).toBeUndefined();
    const [id, exp, sig] = token.split(".") as [string, string, string];
    expect(await verifyRecipientToken(config, `${id}.${Number(exp) + 1000}.${sig}`)).toBeUndefined();
    expect(await verifyRecipientToken(config, `${id.replace(/^0/, "1")}.${exp}.${sig}`)).toBeUndefined();
    expect(await verifyRecipientToken(config, "not-a-token")).toBeUndefined();
  });

  it("decide the same on a repeat as on first sight: expiry, key and text all still count", async () => {
    const now = Date.now();
    const token = await mintRecipientToken(config, unit, now);
    expect(await verifyRecipientToken(config, token, now)).toBe(unit);
    expect(await verifyRecipientToken(config, token, now)).toBe(unit);
    expect(await verifyRecipientToken(other, token, now)).toBeUndefined();
    expect(await verifyRecipientToken(config, `${token} `, now)).toBeUndefined();
    expect(await verifyRecipientToken(config, token, now + RECIPIENT_TOKEN_TTL_SECONDS * 1000)).toBeUndefined();
  });

  it("keep verifying when more tokens are seen than are remembered", async () => {
    const now = Date.now();
    const first = await mintRecipientToken(config, unit, now);
    expect(await verifyRecipientToken(config, first, now)).toBe(unit);
    for (let i = 0; i < 20_001; i++) {
      const id = `0b8e3c8e-6a7b-4c6d-9e0f-${i.toString(16).padStart(12, "0")}`;
      expect(await verifyRecipientToken(config, await mintRecipientToken(config, id, now), now)).toBe(id);
    }
    expect(await verifyRecipientToken(config, first, now)).toBe(unit);
    expect(await verifyRecipientToken(config, first, now + (RECIPIENT_TOKEN_TTL_SECONDS + 1) * 1000)).toBeUndefined();
  });
});
