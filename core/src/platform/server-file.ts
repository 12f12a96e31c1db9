import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "./config.ts";

/**
 * The embedded database belongs to one process. While `npm start` runs, it leaves a note
 * in DATA_DIR so that CLI commands talk to it over its API instead of opening the
 * database folder a second time.
 */
export interface ServerNote {
  pid: number;
  url: string;
  startedAt: string;
}

const file = (config: Pick<Config, "DATA_DIR">) => path.resolve(config.DATA_DIR, "server.json");

export function writeServerNote(config: Pick<Config, "DATA_DIR">, note: ServerNote): void {
  writeFileSync(file(config), JSON.stringify(note), { mode: 0o600 });
}

export function removeServerNote(config: Pick<Config, "DATA_DIR">): void {
  rmSync(file(config), { force: true });
}

/** The running embedded server, if there is one. */
export function runningServer(config: Pick<Config, "DATA_DIR" | "DATABASE_URL">): ServerNote | undefined {
  if (config.DATABASE_URL) return undefined;
  try {
    const note = JSON.parse(readFileSync(file(config), "utf8")) as ServerNote;
    process.kill(note.pid, 0); // throws when no such process
    return note;
  } catch {
    return undefined;
  }
}
