import type { SqlTx } from "../db/connect.ts";

/** What a transition needs of a transaction: Prisma's interactive transaction or a raw one. */
export interface RawTx {
  $queryRawUnsafe<T = unknown>(sql: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number>;
}

/** A raw SQL transaction seen through the same two methods. */
export function rawTx(tx: SqlTx): RawTx {
  return {
    $queryRawUnsafe: <T,>(sql: string, ...values: unknown[]) => tx.query(sql, values) as Promise<T>,
    $executeRawUnsafe: (sql: string, ...values: unknown[]) => tx.execute(sql, values),
  };
}

/**
 * Lifecycles as data: each stateful entity (order, unit, payout) has a table of allowed
 * transitions, and one `transition` that checks the move against the row's current state
 * and version (optimistic locking), bumps the version, saves, and records the change in
 * state_transition, all through the caller's transaction.
 */
export type Transitions<S extends string> = Readonly<Record<S, readonly S[]>>;

export class TransitionError extends Error {
  override name = "TransitionError";
  constructor(
    readonly code: "not_found" | "stale" | "not_allowed",
    readonly entity: string,
    readonly entityId: string,
    message: string,
  ) {
    super(message);
  }
}

export interface TransitionInput<S extends string> {
  id: string;
  to: S;
  /** The version the caller read; the move fails with `stale` if the row changed since. */
  expectedVersion: number;
  actor: string;
  reason?: string;
  /** The row's state as the caller read it under FOR UPDATE in this transaction (saves a read). */
  locked?: { status: S };
  /** Extra columns to set in the same UPDATE, as SQL assignments with their own params. */
  set?: Record<string, unknown>;
}

export interface Lifecycle<S extends string> {
  readonly entity: string;
  readonly transitions: Transitions<S>;
  canMove(from: S, to: S): boolean;
  transition(tx: RawTx, input: TransitionInput<S>): Promise<{ from: S; to: S; version: number }>;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

export function defineLifecycle<S extends string>(def: {
  entity: string;
  table: string;
  statusType: string;
  transitions: Transitions<S>;
}): Lifecycle<S> {
  if (!IDENT.test(def.table)) throw new Error(`bad table name ${def.table}`);
  const canMove = (from: S, to: S) => def.transitions[from]?.includes(to) ?? false;

  return {
    entity: def.entity,
    transitions: def.transitions,
    canMove,
    async transition(tx, input) {
      const rows = input.locked
        ? [{ status: input.locked.status, version: input.expectedVersion }]
        : await tx.$queryRawUnsafe<Array<{ status: S; version: number }>>(
            `SELECT status::text AS status, version FROM ${def.table} WHERE id = $1::uuid FOR UPDATE`,
            input.id,
          );
      const row = rows[0];
      if (!row) throw new TransitionError("not_found", def.entity, input.id, `${def.entity} ${input.id} not found`);
      if (row.version !== input.expectedVersion) {
        throw new TransitionError(
          "stale",
          def.entity,
          input.id,
          `${def.entity} ${input.id} changed since it was read (version ${row.version}, expected ${input.expectedVersion})`,
        );
      }
      if (!canMove(row.status, input.to)) {
        throw new TransitionError(
          "not_allowed",
          def.entity,
          input.id,
          `${def.entity} cannot go from ${row.status} to ${input.to}`,
        );
      }
      const extra = Object.entries(input.set ?? {});
      for (const [col] of extra) if (!IDENT.test(col)) throw new Error(`bad column name ${col}`);
      const assignments = extra.map(([col], i) => `, ${col} = $${i + 4}`).join("");
      await tx.$executeRawUnsafe(
        `UPDATE ${def.table} SET status = $2::"${def.statusType}", version = version + 1, updated_at = now()${assignments}
         WHERE id = $1::uuid AND version = $3`,
        input.id,
        input.to,
        input.expectedVersion,
        ...extra.map(([, v]) => v),
      );
      const version = input.expectedVersion + 1;
      await tx.$executeRawUnsafe(
        `INSERT INTO state_transition (id, entity, entity_id, from_state, to_state, version, actor, reason)
         VALUES (gen_random_uuid(), $1, $2::uuid, $3, $4, $5, $6, $7)`,
        def.entity,
        input.id,
        row.status,
        input.to,
        version,
        input.actor,
        input.reason ?? null,
      );
      return { from: row.status, to: input.to, version };
    },
  };
}
