import { serve, type ServerType } from "@hono/node-server";
import { Writable } from "node:stream";
import { afterAll, beforeAll, expect, it } from "vitest";
import { testApp, type TestApp } from "../http/testing.ts";
import { runPayoutsCli, settingsPatch } from "./cli.ts";

/** The payouts CLI against a served api: settings shown and changed, a preview, bad input. */
let t: TestApp;
let server: ServerType;
let api: string;
beforeAll(async () => {
  t = await testApp();
  server = await new Promise<ServerType>((resolve) => {
    const srv = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(srv));
  });
  api = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await t?.close();
});

function sink() {
  const chunks: string[] = [];
  return { text: () => chunks.join(""), stream: new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) }) };
}
async function cli(...argv: string[]) {
  const out = sink();
  const err = sink();
  const code = await runPayoutsCli([...argv, "--api", api], { env: { NODE_ENV: "test", DATA_DIR: t.deps.config.DATA_DIR }, stdout: out.stream, stderr: err.stream });
  return { code, out: out.text(), err: err.text() };
}

it("reads `--set` pairs as a typed patch", () => {
  expect(settingsPatch(["commissionBps=1200", "approvalRequired=true", "minimumPayout.USD=2500", "settlementDays=null"])).toEqual({
    commissionBps: 1200,
    approvalRequired: true,
    minimumPayout: { USD: 2500 },
    settlementDays: null,
  });
  expect(() => settingsPatch(["nonsense"])).toThrow(/key=value/);
});

it("shows and changes the platform settings, previews a run, and reports refusals", async () => {
  const changed = await cli("settings", "--set", "settlementDays=7", "--set", "minimumPayout.USD=1000");
  expect(changed.code, changed.err).toBe(0);
  expect(JSON.parse(changed.out)).toMatchObject({ settlementDays: 7, minimumPayout: { USD: 1000 } });
  const shown = await cli("settings");
  expect(JSON.parse(shown.out).settlementDays).toBe(7);
  const preview = await cli("preview");
  expect(JSON.parse(preview.out)).toMatchObject({ dryRun: true, payouts: [], carriedOver: [] });
  const bad = await cli("approve", "00000000-0000-4000-8000-000000000000");
  expect(bad.code).toBe(1);
  expect(bad.err).toMatch(/404 not_found/);
  expect((await cli("settings", "--set", "commissionBps=20000")).code).toBe(1);
});
