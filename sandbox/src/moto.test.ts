import { afterAll, describe, expect, it } from "vitest";
import { assertMotoAvailable, startMoto, type Moto } from "./moto.ts";

describe("moto (the SQS/S3/KMS stand-in)", () => {
  it("is importable by python3 on this machine (and in CI)", () => {
    expect(() => assertMotoAvailable()).not.toThrow();
  });

  describe("startMoto", () => {
    let moto: Moto | undefined;
    afterAll(async () => {
      await moto?.stop();
    });

    it("serves on a loopback port, resets, and stops", async () => {
      moto = await startMoto();
      expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await moto.reset();
      // SQS's query protocol answers ListQueues without credentials checks.
      const res = await fetch(`${moto.endpoint}/?Action=ListQueues`);
      expect(res.status).toBe(200);
      await moto.stop();
      await expect(fetch(`${moto.endpoint}/moto-api/reset`, { method: "POST" })).rejects.toThrow();
    });
  });
});
