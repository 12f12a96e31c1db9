import https from "node:https";
import type { Duplex } from "node:stream";
import tls from "node:tls";

/**
 * Sandbox mode only: send xero-node's requests for Xero's host names to the local Xero
 * stand-in, without touching xero-node.
 *
 * xero-node hard-codes https://identity.xero.com (OpenID discovery, tokens) and
 * https://api.xero.com (connections, Accounting API), and sends them through axios and
 * openid-client 5, both on Node's `https` module with its global agent. This installs, as
 * `https.globalAgent`, an agent whose connection step opens the TLS connection to the
 * stand-in's HTTPS listener (loopback) for those host names only, presenting the real host
 * name (SNI) and trusting only the stand-in's CA, generated at its start. The request itself
 * (URL, Host header, method, headers, body) is exactly what xero-node sends in production.
 * Every other host connects as before, with Node's default trust store: the local CA is never
 * trusted for anything else.
 *
 * Refused when NODE_ENV=production.
 */
export const XERO_HOST_NAMES = new Set(["identity.xero.com", "api.xero.com", "login.xero.com"]);

export interface XeroSandboxTarget {
  /** The stand-in's HTTPS listener, e.g. "https://127.0.0.1:43122". */
  url: string;
  /** PEM of the CA that signed the stand-in's certificate. */
  ca: string;
}

export interface XeroSandboxRouting {
  readonly target: string;
  /** Restores the previous global agent. */
  uninstall(): void;
}

let target: { host: string; port: number; ca: string } | null = null;
let installed: { previous: https.Agent; agent: https.Agent } | null = null;

class XeroRoutingAgent extends https.Agent {
  override createConnection(options: https.RequestOptions & tls.ConnectionOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex {
    const t = target;
    const host = (options.servername || options.host || options.hostname || "").toString().toLowerCase();
    if (t && XERO_HOST_NAMES.has(host)) {
      const socket = tls.connect({ ...options, host: t.host, port: t.port, servername: host, ca: t.ca, rejectUnauthorized: true });
      socket.setNoDelay(true);
      return socket;
    }
    // https.Agent's own createConnection (tls.connect with the caller's options).
    return (https.Agent.prototype as unknown as { createConnection: (o: unknown, cb?: unknown) => Duplex }).createConnection.call(this, options, callback);
  }
}

/** Routes Xero's host names to the stand-in at `t`. Calling it again retargets. */
export function installXeroSandboxRouting(t: XeroSandboxTarget, env: { NODE_ENV?: string } = process.env): XeroSandboxRouting {
  if (env.NODE_ENV === "production") throw new Error("Xero sandbox routing is for sandbox mode only; it is refused in production");
  const u = new URL(t.url);
  if (u.protocol !== "https:") throw new Error(`the Xero stand-in's routing target must be its https:// listener, got ${t.url}`);
  if (!t.ca.includes("BEGIN CERTIFICATE")) throw new Error("the Xero stand-in's CA must be a PEM certificate");
  target = { host: u.hostname, port: Number(u.port || 443), ca: t.ca };
  if (!installed) {
    const agent = new XeroRoutingAgent({ keepAlive: true, scheduling: "lifo", timeout: 5000 });
    installed = { previous: https.globalAgent, agent };
    https.globalAgent = agent;
  }
  return { target: t.url, uninstall: uninstallXeroSandboxRouting };
}

export function uninstallXeroSandboxRouting(): void {
  if (!installed) return;
  https.globalAgent = installed.previous;
  installed.agent.destroy();
  installed = null;
  target = null;
}

/** Where Xero's host names go now (null: to Xero). */
export function xeroSandboxTarget(): string | null {
  return target ? `https://${target.host}:${target.port}` : null;
}
