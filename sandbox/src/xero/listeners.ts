import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { LocalTls } from "./certs.ts";

const HOST = "127.0.0.1";

export interface Listeners {
  host: string;
  /** Plain HTTP port (browsers, controls). */
  port: number;
  /** HTTPS port (the routing agent's identity.xero.com / api.xero.com). */
  tlsPort: number;
  /** Drops every open connection and closes both listeners. */
  stop(): Promise<void>;
}

type OnRequest = (req: http.IncomingMessage, res: http.ServerResponse) => void;

function listen(s: http.Server, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    s.once("error", reject);
    s.listen(port, HOST, () => resolve((s.address() as AddressInfo).port));
  });
}

/** The same handler on a plain-HTTP and an HTTPS listener on 127.0.0.1, their sockets tracked so stop() is immediate. */
export async function listenPlainAndTls(onRequest: OnRequest, tls: LocalTls, ports: { port?: number; tlsPort?: number }): Promise<Listeners> {
  const sockets = new Set<Socket>();
  const plain = http.createServer(onRequest);
  const secure = https.createServer({ key: tls.keyPem, cert: tls.certPem }, onRequest);
  const track = (sock: Socket) => {
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
  };
  for (const s of [plain, secure]) {
    s.on("connection", track);
    s.on("secureConnection", track);
  }
  const port = await listen(plain, ports.port ?? 0);
  const tlsPort = await listen(secure, ports.tlsPort ?? 0);
  return {
    host: HOST,
    port,
    tlsPort,
    async stop() {
      for (const s of sockets) s.destroy();
      await Promise.all([plain, secure].map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
