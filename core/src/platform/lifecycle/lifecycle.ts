import type { SqlTx } from "../db/connect.ts";

/** What a transition needs of a transaction: Prisma's interactive transaction or a raw one. */
export interface TxSql {
  $queryRawUnsafe<T = unknown>(sql: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number>;
}

/** A raw SQL transaction seen through the same two methods. */
export function txSqlOf(tx: SqlTx): TxSql {
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
  transition(tx: TxSql, input: TransitionInput<S>): Promise<{ from: S; to: S; version: number }>;
  /**
   * `transition` for many rows in one statement, as two CTEs for a WITH: `name` moves every
   * row of `source` (a CTE of rows the statement locked, with `id` and `status` columns) that
   * may go to `to`, bumping versions, and returns `id`, `version`, `from_status` and the
   * `returning` columns of `source`; `name_moves` records each move in state_transition.
   * `actor` and `reason` are SQL (literals or parameters); `set`, further SQL assignments
   * of the UPDATE over the columns of `source` (aliased `src`), e.g. the redemption's choice.
   */
  transitionAllCtes(name: string, opts: { source: string; to: S; actor: string; reason: string; returning?: string[]; set?: string }): string;
  /**
   * The INSERT that records moves in state_transition (every record goes through it): one
   * per row of `rows.from`, the other fields SQL over its columns. Besides `transition` and
   * `transitionAllCtes`, for rows a statement creates in their first state (`fromState`
   * `'new'`, version 1).
   */
  recordMovesSql(rows: RecordedMoves): string;
}

/** SQL expressions of `recordMovesSql`, over the columns of `from` (a table, CTE or subquery with alias). */
export interface RecordedMoves {
  from: string;
  id: string;
  fromState: string;
  toState: string;
  version: string;
  actor: string;
  reason: string;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

export function defineLifecycle<S extends string>(def: {
  entity: string;
  table: string;
  statusType: string;
  transitions: Transitions<S>;
}): Lifecycle<S> {
  if (!IDENT.test(def.table)) throw new Error(`bad table name ${def.table}`);
  if (!IDENT.test(def.entity)) throw new Error(`bad entity name ${def.entity}`);
  const canMove = (from: S, to: S) => def.transitions[from]?.includes(to) ?? false;
  const recordMovesSql = (rows: RecordedMoves) => `INSERT INTO state_transition (id, entity, entity_id, from_state, to_state, version, actor, reason)
       SELECT gen_random_uuid(), '${def.entity}', ${rows.id}, ${rows.fromState}, ${rows.toState}, ${rows.version}, ${rows.actor}, ${rows.reason}
       FROM ${rows.from}`;
  const RECORD_ONE = recordMovesSql({ from: "(SELECT 1) AS one", id: "$1::uuid", fromState: "$2::text", toState: "$3::text", version: "$4::int", actor: "$5::text", reason: "$6::text" });

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
      const changed = await tx.$executeRawUnsafe(
        `UPDATE ${def.table} SET status = $2::"${def.statusType}", version = version + 1, updated_at = now()${assignments}
         WHERE id = $1::uuid AND version = $3`,
        input.id,
        input.to,
        input.expectedVersion,
        ...extra.map(([, v]) => v),
      );
      // A caller's `locked` state or a row changed by a concurrent writer can disagree with the
      // table: only a move that changed exactly one row is recorded.
      if (changed !== 1) {
        throw new TransitionError(
          "stale",
          def.entity,
          input.id,
          `${def.entity} ${input.id} changed since it was read (expected version ${input.expectedVersion})`,
        );
      }
      const version = input.expectedVersion + 1;
      await tx.$executeRawUnsafe(
        RECORD_ONE,
        input.id,
        row.status,
        input.to,
        version,
        input.actor,
        input.reason ?? null,
      );
      return { from: row.status, to: input.to, version };
    },
    recordMovesSql,
    transitionAllCtes(name, opts) {
      for (const ident of [name, opts.source, ...(opts.returning ?? [])]) if (!IDENT.test(ident)) throw new Error(`bad identifier ${ident}`);
      const from = (Object.keys(def.transitions) as S[]).filter((st) => canMove(st, opts.to));
      const extra = (opts.returning ?? []).map((c) => `, src.${c}`).join("");
      const set = opts.set ? `, ${opts.set}` : "";
      return `${name} AS (
       UPDATE ${def.table} f SET status = '${opts.to}', version = f.version + 1, updated_at = now()${set}
       FROM ${opts.source} src
       WHERE f.id = src.id AND src.status IN (${from.map((st) => `'${st}'`).join(", ")})
       RETURNING f.id, f.version, src.status AS from_status${extra}
     ), ${name}_moves AS (
       ${recordMovesSql({ from: name, id: `${name}.id`, fromState: `${name}.from_status`, toState: `'${opts.to}'`, version: `${name}.version`, actor: opts.actor, reason: opts.reason })}
     )`;
    },
  };
}
