import { randomBytes } from "node:crypto";
import { adminQuery, withDatabase } from "@giftloop/core/testing/db";

/** A fresh PostgreSQL database for one benchmark suite, dropped afterwards. */
export async function freshPostgres(prefix: string) {
  const admin = process.env.PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  await adminQuery(admin, `CREATE DATABASE ${name}`);
  return {
    url: withDatabase(admin, name),
    drop: () => adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
