/**
 * A database failure said in one line an operator can act on: what is wrong with the
 * environment (unreachable server, missing database, refused login, schema not migrated)
 * instead of the driver's raw error object. The URL's password is never shown.
 */
export type DatabaseWhere = { url: string } | { dataDir: string };

/** `postgres://user@host:5432/name`, without the password (and without the query). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ""}${u.host}${u.pathname}`;
  } catch {
    return "DATABASE_URL (not a valid URL)";
  }
}

function codesOf(err: unknown): { code?: string; message: string } {
  // Driver adapters wrap the driver's error; look through causes for a code.
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e; depth++) {
    const o = e as { code?: unknown; cause?: unknown; message?: unknown; errors?: unknown[] };
    if (typeof o.code === "string" && o.code) return { code: o.code, message: String(o.message ?? "") };
    // A connection refused on every address comes as an AggregateError.
    if (Array.isArray(o.errors) && o.errors.length) {
      e = o.errors[0];
      continue;
    }
    e = o.cause;
  }
  return { message: err instanceof Error ? err.message : String(err) };
}

export function explainDatabaseError(err: unknown, where: DatabaseWhere): string {
  const { code, message } = codesOf(err);
  const firstLine = (message.split("\n").find((l) => l.trim()) ?? "").trim();
  if ("dataDir" in where) {
    if (code === "42P01") {
      return `The embedded database in ${where.dataDir} has no Giftloop tables: start the app once (npm start) with this DATA_DIR, or set DATABASE_URL to the PostgreSQL database you meant.`;
    }
    return `The embedded database in ${where.dataDir} could not be used: ${firstLine || code || "unknown error"}.`;
  }
  const target = describeUrl(where.url);
  switch (code) {
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
      return `Cannot reach PostgreSQL at ${target} (DATABASE_URL): ${code}. Is the server running, and is DATABASE_URL the right one?`;
    case "3D000":
      return `The database in DATABASE_URL (${target}) does not exist on that server. Create it, or correct DATABASE_URL.`;
    case "28P01":
    case "28000":
      return `PostgreSQL refused the login for ${target} (DATABASE_URL): ${firstLine}. Check the user and password in DATABASE_URL.`;
    case "42P01":
      return `The database ${target} has no Giftloop tables: run \`npm run db:migrate\` with this DATABASE_URL first, or correct DATABASE_URL.`;
    case "22023":
      // The app's role (connect.ts APP_ROLE) comes with the migrations.
      if (/role "giftloop_(app|tenant)" does not exist/.test(firstLine)) {
        return `The database ${target} has not been migrated for this version (${firstLine}): run \`npm run db:migrate\` with this DATABASE_URL first, or correct DATABASE_URL.`;
      }
      return `Database error on ${target} (DATABASE_URL): ${firstLine}.`;
    case "42501":
      return `The database user in DATABASE_URL (${target}) may not read these tables: ${firstLine}.`;
    default:
      return `Database error on ${target} (DATABASE_URL): ${firstLine || code || "unknown error"}.`;
  }
}
