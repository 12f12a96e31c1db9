/**
 * Whether a database error is a unique-constraint violation. Prisma reports it as P2002
 * through @prisma/adapter-pg; the PGlite adapter (built for an older adapter interface)
 * passes the driver's error through instead, so both shapes are recognised.
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string; kind?: string; originalCode?: string }; message?: string };
  return (
    e?.code === "P2002" ||
    e?.code === "23505" ||
    e?.cause?.code === "23505" ||
    e?.cause?.originalCode === "23505" ||
    e?.cause?.kind === "UniqueConstraintViolation" ||
    (typeof e?.message === "string" && e.message.includes("duplicate key value violates unique constraint"))
  );
}
