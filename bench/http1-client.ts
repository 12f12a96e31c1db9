import net from "node:net";

/**
 * One keep-alive HTTP/1.1 connection that sends a request and reads its response, and
 * nothing more: the load generator's client. A benchmark's client shares this 2-core box
 * with the server it measures, so it does the least work it can (no header objects, no
 * streams): the request is one write, the response is read as bytes until its length
 * (Content-Length or chunked) is complete. Responses must arrive on a request this client sent.
 */
export class Http1Connection {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (status: number) => void; reject: (e: Error) => void } | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.tryComplete();
    });
    const fail = (e: Error) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(e);
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("connection closed")));
  }

  static open(host: string, port: number): Promise<Http1Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => {
        socket.off("error", reject);
        resolve(new Http1Connection(socket));
      });
      socket.once("error", reject);
    });
  }

  /** One request's bytes, built ahead of time (see `sendBytes`). */
  static request(host: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Buffer {
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
    for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
    if (body !== undefined) head += `content-length: ${Buffer.byteLength(body)}\r\n`;
    return Buffer.from(body === undefined ? `${head}\r\n` : `${head}\r\n${body}`);
  }

  /** Sends a request built by `Http1Connection.request`; resolves with the response's status once the whole body is read. */
  sendBytes(request: Buffer): Promise<number> {
    if (this.waiting) return Promise.reject(new Error("one request at a time on a connection"));
    const p = new Promise<number>((resolve, reject) => (this.waiting = { resolve, reject }));
    this.socket.write(request);
    return p;
  }

  close(): void {
    this.socket.destroy();
  }

  private tryComplete(): void {
    const w = this.waiting;
    if (!w) return;
    const buf = this.buf;
    const headEnd = buf.indexOf("\r\n\r\n");
    if (headEnd < 0) return;
    const head = buf.toString("latin1", 0, headEnd).toLowerCase();
    const status = Number(head.slice(9, 12));
    let end: number;
    const length = /\r\ncontent-length: *(\d+)/.exec(head);
    if (length) {
      end = headEnd + 4 + Number(length[1]);
      if (buf.length < end) return;
    } else if (/\r\ntransfer-encoding: *chunked/.test(head)) {
      const e = chunkedEnd(buf, headEnd + 4);
      if (e < 0) return;
      end = e;
    } else {
      end = headEnd + 4; // no body (204, 304)
    }
    this.buf = buf.length > end ? buf.subarray(end) : Buffer.alloc(0);
    this.waiting = undefined;
    w.resolve(status);
  }
}

/** Where a chunked body starting at `at` ends, or -1 while it is incomplete. */
function chunkedEnd(buf: Buffer, at: number): number {
  let i = at;
  for (;;) {
    const lineEnd = buf.indexOf("\r\n", i);
    if (lineEnd < 0) return -1;
    const size = parseInt(buf.toString("latin1", i, lineEnd), 16);
    if (Number.isNaN(size)) throw new Error("malformed chunked body");
    if (size === 0) {
      const trailerEnd = buf.indexOf("\r\n\r\n", lineEnd);
      return trailerEnd < 0 ? -1 : trailerEnd + 4;
    }
    i = lineEnd + 2 + size + 2;
    if (i > buf.length) return -1;
  }
}
