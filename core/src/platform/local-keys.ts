import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "./config.ts";

/**
 * Development convenience: a key that configuration did not set is generated once and kept
 * in DATA_DIR/keys/<name> (mode 0600), so the embedded mode needs no setup and survives
 * restarts. Production configuration requires every key explicitly (see config.ts).
 */
export function localKey(config: Pick<Config, "DATA_DIR" | "NODE_ENV">, name: string, bytes = 32): Buffer {
  if (config.NODE_ENV === "production") {
    throw new Error(`refusing to generate ${name} in production; set it in configuration`);
  }
  const dir = path.resolve(config.DATA_DIR, "keys");
  const file = path.join(dir, name);
  try {
    return Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  } catch {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const key = randomBytes(bytes);
    writeFileSync(file, key.toString("base64"), { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
    return Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  }
}
