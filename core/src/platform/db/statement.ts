import { createHash } from "node:crypto";

/**
 * A statement of a hot path, prepared once per connection: PostgreSQL then parses and
 * plans it once instead of on every execution (a named statement of `pg`'s extended
 * protocol). Only for fixed SQL text written in the code, never for SQL built from input
 * (each distinct text stays prepared on every pooled connection). PGlite runs the text.
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

const known = new Map<string, Statement>();

export function statement(text: string): Statement {
  let s = known.get(text);
  if (!s) {
    s = Object.freeze({ name: `gl_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`, text });
    known.set(text, s);
  }
  return s;
}

export const statementText = (sql: string | Statement): string => (typeof sql === "string" ? sql : sql.text);
