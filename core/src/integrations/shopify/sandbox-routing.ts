import net from "node:net";
import { Agent, buildConnector, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from "undici";
import { isShopDomain } from "../../platform/shop-domain.ts";

/**
 * Sandbox mode only: send the Shopify libraries' requests for `https://*.myshopify.com` to the
 * local Shopify stand-in, without touching the libraries.
 *
 * `@shopify/shopify-api` always builds `https://{shop}/admin/...` URLs and sends them with the
 * runtime's `fetch`. This installs a global fetch dispatcher (undici) whose connection step,
 * for `*.myshopify.com` hosts only, opens a TCP connection to the stand-in instead of resolving
 * the name; the request itself (URL, Host header, method, headers, body) is exactly what the
 * library sends in production, and the stand-in reads the shop from the Host header. Every
 * other host connects as usual. Only the transport differs: the stand-in speaks plain HTTP on
 * loopback, so no certificate is involved.
 *
 * Config refuses `SHOPIFY_SANDBOX_URL` in production, and `installShopifySandboxRouting`
 * refuses to run with NODE_ENV=production as a second guard.
 */

let target: { host: string; port: number } | null = null;
let installed: { previous: Dispatcher; agent: Agent } | null = null;

export interface SandboxRouting {
  /** Where *.myshopify.com goes now. */
  readonly target: string;
  /** Restores the previous global dispatcher. */
  uninstall(): Promise<void>;
}

/** Routes `*.myshopify.com` to the stand-in at `sandboxUrl` (e.g. "http://127.0.0.1:43121"). Calling it again retargets. */
export function installShopifySandboxRouting(sandboxUrl: string, env: { NODE_ENV?: string } = process.env): SandboxRouting {
  if (env.NODE_ENV === "production") throw new Error("Shopify sandbox routing is for sandbox mode only; it is refused in production");
  const u = new URL(sandboxUrl);
  if (u.protocol !== "http:") throw new Error(`SHOPIFY_SANDBOX_URL must be an http:// URL of the local stand-in, got ${sandboxUrl}`);
  target = { host: u.hostname, port: Number(u.port || 80) };
  if (!installed) {
    const direct = buildConnector({});
    const agent = new Agent({
      connect(opts, callback) {
        const t = target;
        if (t && isShopDomain(opts.hostname.toLowerCase())) {
          const socket = net.connect({ host: t.host, port: t.port });
          socket.setNoDelay(true);
          const onError = (err: Error) => callback(err, null);
          socket.once("error", onError);
          socket.once("connect", () => {
            socket.off("error", onError);
            callback(null, socket);
          });
          return socket;
        }
        return direct(opts, callback);
      },
    });
    installed = { previous: getGlobalDispatcher(), agent };
    setGlobalDispatcher(agent);
  }
  return { target: sandboxUrl, uninstall: uninstallShopifySandboxRouting };
}

/** Restores the global dispatcher that was there before (tests; a process normally keeps it). */
export async function uninstallShopifySandboxRouting(): Promise<void> {
  if (!installed) return;
  const { previous, agent } = installed;
  installed = null;
  target = null;
  setGlobalDispatcher(previous);
  await agent.close().catch(() => {});
}

/** Whether requests for *.myshopify.com currently go to a stand-in. */
export function shopifySandboxTarget(): string | null {
  return target ? `http://${target.host}:${target.port}` : null;
}
