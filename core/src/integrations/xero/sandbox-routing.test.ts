import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalTls } from "@giftloop/sandbox/xero/certs";
import { installXeroSandboxRouting, uninstallXeroSandboxRouting, xeroSandboxTarget } from "./sandbox-routing.ts";

// The routing agent sends only Xero's host names to the stand-in, trusts the local CA only for
// them, and is refused in production.

let server: https.Server;
let port: number;
const tls = createLocalTls();

function get(url: string, agent?: https.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    https.get(url, agent ? { agent } : {}, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve(body));
    }).on("error", reject);
  });
}

beforeAll(async () => {
  server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => res.end(`stand-in saw ${req.headers.host} ${req.url}`));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  uninstallXeroSandboxRouting();
  await new Promise<void>((r) => server.close(() => r()));
});

describe("Xero sandbox routing", () => {
  it("is refused in production", () => {
    expect(() => installXeroSandboxRouting({ url: `https://127.0.0.1:${port}`, ca: tls.caPem }, { NODE_ENV: "production" })).toThrow(/refused in production/);
    expect(xeroSandboxTarget()).toBeNull();
    expect(() => installXeroSandboxRouting({ url: `http://127.0.0.1:${port}`, ca: tls.caPem }, {})).toThrow(/https:\/\//);
  });

  it("sends identity.xero.com and api.xero.com to the stand-in over TLS, with the real Host", async () => {
    const previous = https.globalAgent;
    installXeroSandboxRouting({ url: `https://127.0.0.1:${port}`, ca: tls.caPem }, {});
    expect(https.globalAgent).not.toBe(previous);
    expect(await get("https://api.xero.com/connections")).toBe("stand-in saw api.xero.com /connections");
    expect(await get("https://identity.xero.com/.well-known/openid-configuration")).toBe("stand-in saw identity.xero.com /.well-known/openid-configuration");
  });

  it("trusts the local CA for nothing else: another host with the same certificate is refused", async () => {
    // 127.0.0.1 goes through the same global agent, to a server whose certificate the local CA
    // signed; Node's default trust store does not know that CA.
    await expect(get(`https://127.0.0.1:${port}/`)).rejects.toThrow(/certificate|self-signed|unable to verify/i);
  });

  it("uninstall restores the previous agent", () => {
    const routed = https.globalAgent;
    uninstallXeroSandboxRouting();
    expect(https.globalAgent).not.toBe(routed);
    expect(xeroSandboxTarget()).toBeNull();
  });
});
