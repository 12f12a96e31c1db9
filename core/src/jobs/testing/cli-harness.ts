import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { runJobsCli } from "../cli.ts";

class Text extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

/** `npm run jobs -- …args` in this process (the command's code, without a process to load). */
export async function jobs(env: Record<string, string>, ...args: string[]) {
  const stdout = new Text();
  const stderr = new Text();
  const status = await runJobsCli(args, { env: { NODE_ENV: "test", LOG_LEVEL: "silent", DATABASE_URL: "", ...env }, stdout, stderr });
  return { status, stdout: stdout.text, stderr: stderr.text };
}

export const tempDir = (name: string) => mkdtempSync(path.join(tmpdir(), `giftloop-cli-${name}-`));
