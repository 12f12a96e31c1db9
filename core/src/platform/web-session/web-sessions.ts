import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { statement, type Database } from "../db/connect.ts";
import { SlidingWindowLimiter, type Clock } from "../../redemption/codes/attempt-limiter.ts";
import { codeHash, csrfTokenFor, newCode, newSecret, normalizeEmail, sha256 } from "./tokens.ts";

/**
 * Passwordless web sessions for one kind of principal (buyer members, staff accounts...):
 * sign-in links sent by email (single use, short-lived, stored hashed; their code can be
 * pasted instead), sessions in an httpOnly cookie (stored hashed, rotated on every sign-in,
 * expiring, revocable), and the CSRF token of each session. What an email address may do
 * (who it is, whether it may sign up) is the caller's business: this module only proves
 * that the person reads the mailbox, and remembers the principal id the caller gives.
 */
export interface WebSessionOptions {
  /** The principal kind: rows of one kind never sign in another (`buyer`, `staff`). */
  kind: string;
  /** Cookie name; with `secure` it gets the `__Host-` prefix (path `/`, no domain). */
  cookieName: string;
  /** Secure cookies: true when the site is served over https. */
  secure: boolean;
  linkTtlSeconds?: number;
  sessionTtlSeconds?: number;
  /** Wrong codes that burn a link (default 5). */
  maxCodeFailures?: number;
  /** Links asked for per email (default 5 per 15 minutes) and per client (default 20 per 15 minutes). */
  perEmail?: { limit: number; windowSeconds: number };
  perClient?: { limit: number; windowSeconds: number };
  now?: Clock;
}

export interface IssuedLink {
  id: string;
  /** For the URL of the link. Never stored. */
  token: string;
  /** To paste instead. Never stored. */
  code: string;
  expiresAt: Date;
}

export type LinkRequest = { ok: true; link: IssuedLink } | { ok: false; retryAfterSeconds: number };

export interface VerifiedLink {
  id: string;
  email: string;
  purpose: string;
  payload: Record<string, unknown>;
}

/** Why a link or code did not sign in: each is its own clear message for the person. */
export type LinkFailure = "invalid" | "expired" | "used" | "too_many_attempts";
export type LinkVerification = { ok: true; link: VerifiedLink } | { ok: false; reason: LinkFailure };

export interface ActiveSession {
  id: string;
  principalId: string;
  csrfToken: string;
  expiresAt: Date;
}

const LAST_SEEN_RESOLUTION_MS = 60_000;

const USE_TOKEN = statement(
  `UPDATE web_login_token SET used_at = $3
   WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3 AND code_failures < $4
   RETURNING id, email, purpose, payload`,
);

/**
 * Tries a code against the newest live link of (kind, email), under its row lock: a match
 * uses it, a miss counts a failure. $1 kind, $2 email, $3 code hash, $4 now, $5 max failures.
 */
const USE_CODE = statement(
  `WITH t AS (
     SELECT id FROM web_login_token
     WHERE kind = $1 AND email = $2 AND used_at IS NULL AND expires_at > $4 AND code_failures < $5
     ORDER BY created_at DESC LIMIT 1 FOR UPDATE
   )
   UPDATE web_login_token w
   SET used_at = CASE WHEN w.code_hash = $3 THEN $4::timestamptz END,
       code_failures = w.code_failures + CASE WHEN w.code_hash = $3 THEN 0 ELSE 1 END
   FROM t WHERE w.id = t.id
   RETURNING w.id, w.email, w.purpose, w.payload, w.code_hash = $3 AS matched, w.code_failures`,
);

export class WebSessions {
  readonly kind: string;
  readonly cookieName: string;
  readonly #db: Database;
  readonly #secure: boolean;
  readonly #linkTtlMs: number;
  readonly #sessionTtlMs: number;
  readonly #maxCodeFailures: number;
  readonly #perEmail: SlidingWindowLimiter;
  readonly #perClient: SlidingWindowLimiter;
  readonly #now: Clock;

  constructor(db: Database, o: WebSessionOptions) {
    this.#db = db;
    this.kind = o.kind;
    this.#secure = o.secure;
    this.cookieName = o.secure ? `__Host-${o.cookieName}` : o.cookieName;
    this.#linkTtlMs = (o.linkTtlSeconds ?? 15 * 60) * 1000;
    this.#sessionTtlMs = (o.sessionTtlSeconds ?? 14 * 24 * 3600) * 1000;
    this.#maxCodeFailures = o.maxCodeFailures ?? 5;
    this.#now = o.now ?? Date.now;
    const now = this.#now;
    this.#perEmail = new SlidingWindowLimiter(db, { name: `web_login.${o.kind}.email`, ...(o.perEmail ?? { limit: 5, windowSeconds: 900 }), now });
    this.#perClient = new SlidingWindowLimiter(db, { name: `web_login.${o.kind}.client`, ...(o.perClient ?? { limit: 20, windowSeconds: 900 }), now });
  }

  /**
   * A new link for this email, unless the email or the client asked too often. `clientKey`
   * identifies the client without holding its address (an HMAC of it).
   */
  async requestLink(input: { email: string; purpose: string; payload?: Record<string, unknown>; clientKey: string }): Promise<LinkRequest> {
    const email = normalizeEmail(input.email);
    const byClient = await this.#perClient.check(input.clientKey);
    if (!byClient.allowed) return { ok: false, retryAfterSeconds: byClient.retryAfterSeconds };
    const byEmail = await this.#perEmail.check(sha256(email));
    if (!byEmail.allowed) return { ok: false, retryAfterSeconds: byEmail.retryAfterSeconds };
    const token = newSecret();
    const code = newCode();
    const expiresAt = new Date(this.#now() + this.#linkTtlMs);
    const row = await this.#db.prisma.webLoginToken.create({
      data: {
        kind: this.kind,
        email,
        purpose: input.purpose,
        payload: (input.payload ?? {}) as object,
        tokenHash: sha256(token),
        codeHash: codeHash(email, code),
        expiresAt,
        createdAt: new Date(this.#now()),
      },
    });
    return { ok: true, link: { id: row.id, token, code, expiresAt } };
  }

  /** Uses the link's token: once, before it expires. */
  async verifyToken(token: string): Promise<LinkVerification> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { ok: false, reason: "invalid" };
    const hash = sha256(token);
    const now = new Date(this.#now());
    const [row] = await this.#db.sql.query<RowOfLink>(USE_TOKEN, [hash, this.kind, now, this.#maxCodeFailures]);
    if (row) return { ok: true, link: linkOf(row) };
    const known = await this.#db.prisma.webLoginToken.findUnique({ where: { tokenHash: hash } });
    return { ok: false, reason: failureOf(known, this.kind, now, this.#maxCodeFailures) };
  }

  /** Uses the newest live link of this email by its code; a few wrong codes burn it. */
  async verifyCode(emailInput: string, code: string): Promise<LinkVerification> {
    const email = normalizeEmail(emailInput);
    const now = new Date(this.#now());
    const [row] = await this.#db.sql.query<RowOfLink & { matched: boolean; code_failures: number }>(USE_CODE, [
      this.kind, email, codeHash(email, code), now, this.#maxCodeFailures,
    ]);
    if (row?.matched) return { ok: true, link: linkOf(row) };
    if (row) return { ok: false, reason: row.code_failures >= this.#maxCodeFailures ? "too_many_attempts" : "invalid" };
    const latest = await this.#db.prisma.webLoginToken.findFirst({ where: { kind: this.kind, email }, orderBy: { createdAt: "desc" } });
    return { ok: false, reason: latest ? failureOf(latest, this.kind, now, this.#maxCodeFailures) : "invalid" };
  }

  /**
   * Signs the browser in as `principalId`: a new session and cookie. The session the browser
   * had (if any) is revoked, so a sign-in never keeps a token someone may have planted.
   */
  async start(c: Context, principalId: string): Promise<ActiveSession> {
    const previous = getCookie(c, this.cookieName);
    if (previous) await this.#revokeToken(previous);
    const token = newSecret();
    const now = this.#now();
    const expiresAt = new Date(now + this.#sessionTtlMs);
    const row = await this.#db.prisma.webSession.create({
      data: { kind: this.kind, principalId, tokenHash: sha256(token), expiresAt, createdAt: new Date(now), lastSeenAt: new Date(now) },
    });
    setCookie(c, this.cookieName, token, {
      httpOnly: true,
      secure: this.#secure,
      sameSite: "Lax",
      path: "/",
      maxAge: Math.floor(this.#sessionTtlMs / 1000),
    });
    return { id: row.id, principalId, csrfToken: csrfTokenFor(token), expiresAt };
  }

  /** The session the request's cookie names, when it is live. */
  async resolve(c: Context): Promise<ActiveSession | undefined> {
    const token = getCookie(c, this.cookieName);
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const row = await this.#db.prisma.webSession.findUnique({ where: { tokenHash: sha256(token) } });
    const now = this.#now();
    if (!row || row.kind !== this.kind || row.revokedAt || row.expiresAt.getTime() <= now) return undefined;
    if (now - row.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
      await this.#db.prisma.webSession.update({ where: { id: row.id }, data: { lastSeenAt: new Date(now) } });
    }
    return { id: row.id, principalId: row.principalId, csrfToken: csrfTokenFor(token), expiresAt: row.expiresAt };
  }

  /** Signs the browser out: its session is revoked and the cookie cleared. */
  async end(c: Context): Promise<void> {
    const token = getCookie(c, this.cookieName);
    if (token) await this.#revokeToken(token);
    deleteCookie(c, this.cookieName, { path: "/", secure: this.#secure });
  }

  /** Ends every session of a principal (removed from a team, account disabled). */
  async revokeAll(principalId: string): Promise<number> {
    return revokeSessions(this.#db, this.kind, principalId, new Date(this.#now()));
  }

  async #revokeToken(token: string): Promise<void> {
    await this.#db.prisma.webSession.updateMany({
      where: { tokenHash: sha256(token), kind: this.kind, revokedAt: null },
      data: { revokedAt: new Date(this.#now()) },
    });
  }
}

/** Ends every session of one kind's principal, without a `WebSessions` (e.g. the staff command line); returns how many. */
export async function revokeSessions(db: Pick<Database, "prisma">, kind: string, principalId: string, at = new Date()): Promise<number> {
  const r = await db.prisma.webSession.updateMany({ where: { kind, principalId, revokedAt: null }, data: { revokedAt: at } });
  return r.count;
}

interface RowOfLink {
  id: string;
  email: string;
  purpose: string;
  payload: unknown;
}

function linkOf(row: RowOfLink): VerifiedLink {
  const payload = typeof row.payload === "string" ? (JSON.parse(row.payload) as unknown) : row.payload;
  return { id: row.id, email: row.email, purpose: row.purpose, payload: (payload ?? {}) as Record<string, unknown> };
}

function failureOf(
  row: { kind: string; usedAt: Date | null; expiresAt: Date; codeFailures: number } | null,
  kind: string,
  now: Date,
  maxFailures: number,
): LinkFailure {
  if (!row || row.kind !== kind) return "invalid";
  if (row.usedAt) return "used";
  if (row.codeFailures >= maxFailures) return "too_many_attempts";
  if (row.expiresAt <= now) return "expired";
  return "invalid";
}
