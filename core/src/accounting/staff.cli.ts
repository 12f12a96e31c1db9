/**
 * `npm run staff -- <command>`: the finance console's staff accounts.
 *   add <email> --name "Ada Lovelace" --role admin|finance|support   (again: changes name/role, re-enables)
 *   list
 *   disable <email>                                                   (ends their sessions too)
 * Works on the configured database (DATABASE_URL, or the embedded one in DATA_DIR while
 * `npm start` is not running: the embedded database belongs to one process at a time).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ConfigError, parseConfig } from "../platform/config.ts";
import { connectDatabase } from "../platform/db/connect.ts";
import { explainDatabaseError, type DatabaseWhere } from "../platform/db/explain-error.ts";
import { revokeSessions } from "../platform/web-session/web-sessions.ts";
import { addStaff, STAFF_ROLES, type StaffRole } from "./staff-session.ts";

const USAGE = `usage: npm run staff -- add <email> --name NAME --role ${STAFF_ROLES.join("|")} | list | disable <email>`;

export async function runStaffCli(argv: string[], env: Record<string, string | undefined> = process.env, out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<number> {
  let config;
  try {
    config = parseConfig(env);
  } catch (err) {
    out(err instanceof ConfigError ? err.message : String(err));
    return 1;
  }
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { name: { type: "string" }, role: { type: "string" } } });
  const [command, email] = positionals;
  const where: DatabaseWhere = config.DATABASE_URL ? { url: config.DATABASE_URL } : { dataDir: path.join(config.DATA_DIR, "pglite") };
  if ("dataDir" in where && !existsSync(where.dataDir)) {
    out(`No database: DATABASE_URL is not set and DATA_DIR (${config.DATA_DIR}) holds no embedded database.`);
    return 1;
  }
  let db;
  try {
    db = await connectDatabase("url" in where ? { url: where.url, poolSize: 2 } : where);
  } catch (err) {
    out(explainDatabaseError(err, where));
    return 1;
  }
  try {
    if (command === "add" && email) {
      const role = (values.role ?? "") as StaffRole;
      if (!STAFF_ROLES.includes(role)) throw new Error(`--role must be one of ${STAFF_ROLES.join(", ")}`);
      const r = await addStaff({ db }, { email, name: values.name ?? email.split("@")[0] ?? email, role });
      out(`${r.created ? "Added" : "Updated"} ${email.toLowerCase()} (${role}). They sign in at ${config.publicUrl}/finance with an emailed link.`);
      return 0;
    }
    if (command === "list") {
      const rows = await db.prisma.staffAccount.findMany({ orderBy: { email: "asc" } });
      for (const r of rows) out(`${r.email}\t${r.role}\t${r.name}${r.disabledAt ? "\t(disabled)" : ""}`);
      if (!rows.length) out("No staff accounts yet.");
      return 0;
    }
    if (command === "disable" && email) {
      const s = await db.prisma.staffAccount.findUnique({ where: { email: email.toLowerCase() } });
      if (!s) throw new Error(`no staff account ${email}`);
      await db.prisma.staffAccount.update({ where: { id: s.id }, data: { disabledAt: new Date() } });
      await revokeSessions(db, "staff", s.id);
      out(`Disabled ${s.email}; their sessions are ended.`);
      return 0;
    }
    out(USAGE);
    return 2;
  } catch (err) {
    out(err instanceof Error ? err.message : String(err));
    return 1;
  } finally {
    await db.close().catch(() => {});
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await runStaffCli(process.argv.slice(2));
}
