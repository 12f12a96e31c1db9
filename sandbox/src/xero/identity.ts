import { createHash, generateKeyPairSync, randomBytes, randomUUID, timingSafeEqual, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import { consentPage, errorPage } from "./consent-page.ts";
import { authProblem } from "./errors.ts";
import { IDENTITY_SCOPES, needsOrganisation, SCOPE_DESCRIPTIONS } from "./scopes.ts";
import type { Org } from "./state.ts";

/**
 * Xero's identity service: OpenID discovery and JWKS, the authorize (consent) page, the token
 * endpoint (authorization_code and refresh_token grants), revocation, and connections.
 *
 * Tokens behave as Xero's do:
 * - access tokens are RS256 JWTs valid 30 minutes;
 * - a refresh token (with offline_access) is valid 60 days from issue; each use returns a new
 *   one (rotation), and the used one keeps working for a grace period (30 minutes) in case the
 *   answer was lost; afterwards, or once revoked, it is `invalid_grant`;
 * - an authorization code is single use and valid 5 minutes.
 * Expiry is judged on the stand-in's clock (which tests can move forward); JWT claims carry
 * wall-clock times so the client libraries' own checks pass.
 */

export const ISSUER = "https://identity.xero.com";
export const ACCESS_TOKEN_TTL_S = 30 * 60;
export const REFRESH_TOKEN_TTL_MS = 60 * 86400_000;
export const REFRESH_GRACE_MS = 30 * 60_000;
const CODE_TTL_MS = 5 * 60_000;

export interface ClientApp {
  clientId: string;
  clientSecret: string;
  name: string;
  redirectUris: string[];
}

export interface User {
  userId: string;
  email: string;
  givenName: string;
  familyName: string;
}

export interface Grant {
  grantId: string;
  clientId: string;
  userId: string;
  scopes: string[];
  authEventId: string;
  sessionId: string;
  authTime: number;
  revoked: boolean;
}

export interface Connection {
  id: string;
  tenantId: string;
  clientId: string;
  userId: string;
  authEventId: string;
  createdAt: number;
  updatedAt: number;
}

interface RefreshRecord {
  grantId: string;
  issuedAt: number;
  usedAt?: number;
  revoked: boolean;
}

export interface AccessRecord {
  grantId: string;
  expiresAt: number;
}

interface CodeRecord {
  grantId: string;
  clientId: string;
  redirectUri: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expiresAt: number;
  used: boolean;
}

interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

export interface HttpAnswer {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
  /** Body is HTML (consent and error pages). */
  html?: boolean;
}

export interface IdentityOptions {
  clock: () => number;
  /** Where a browser opens the authorize page (the stand-in's plain-HTTP URL). */
  authorizeBase: () => string;
  orgs: () => Org[];
  refreshGraceMs?: number;
}

function b64url(buf: Buffer): string {
  return buf.toString("base64url");
}

function secretEquals(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class IdentityService {
  readonly clients = new Map<string, ClientApp>();
  readonly user: User = { userId: randomUUID(), email: "finance@giftloop.test", givenName: "Fin", familyName: "Ance" };
  readonly grants = new Map<string, Grant>();
  readonly connections = new Map<string, Connection>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  private readonly accessTokens = new Map<string, AccessRecord>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly pending = new Map<string, PendingAuthorization>();
  private readonly privateKey: KeyObject;
  private readonly publicJwk: Record<string, unknown>;
  private readonly kid: string;
  refreshGraceMs: number;

  constructor(private readonly opts: IdentityOptions) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.kid = createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 32).toUpperCase();
    this.publicJwk = { ...publicKey.export({ format: "jwk" }), kid: this.kid, use: "sig", alg: "RS256", kty: "RSA" };
    this.refreshGraceMs = opts.refreshGraceMs ?? REFRESH_GRACE_MS;
  }

  reset(): void {
    for (const m of [this.grants, this.connections, this.refreshTokens, this.accessTokens, this.codes, this.pending]) m.clear();
  }

  discovery(): HttpAnswer {
    const scopes = Object.keys(SCOPE_DESCRIPTIONS);
    return {
      status: 200,
      body: {
        issuer: ISSUER,
        jwks_uri: `${ISSUER}/.well-known/openid-configuration/jwks`,
        authorization_endpoint: `${this.opts.authorizeBase()}/identity/connect/authorize`,
        token_endpoint: `${ISSUER}/connect/token`,
        userinfo_endpoint: `${ISSUER}/connect/userinfo`,
        end_session_endpoint: `${ISSUER}/connect/endsession`,
        revocation_endpoint: `${ISSUER}/connect/revocation`,
        frontchannel_logout_supported: true,
        frontchannel_logout_session_supported: true,
        scopes_supported: scopes,
        claims_supported: ["sub", "xero_userid", "global_session_id", "preferred_username", "email", "given_name", "family_name", "name"],
        grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
        response_types_supported: ["code"],
        response_modes_supported: ["form_post", "query", "fragment"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        code_challenge_methods_supported: ["plain", "S256"],
        request_parameter_supported: false,
      },
    };
  }

  jwks(): HttpAnswer {
    return { status: 200, body: { keys: [this.publicJwk] } };
  }

  // ---- authorize ----

  /** GET /identity/connect/authorize: the consent page, or a redirect with an error. */
  authorize(params: URLSearchParams, consentAction: string): HttpAnswer {
    const clientId = params.get("client_id") ?? "";
    const redirectUri = params.get("redirect_uri") ?? "";
    const client = this.clients.get(clientId);
    if (!client) return { status: 400, html: true, body: errorPage("Unauthorized client", `There is no app with client_id '${clientId}'.`) };
    if (!client.redirectUris.includes(redirectUri)) {
      return { status: 400, html: true, body: errorPage("Invalid redirect_uri", `'${redirectUri}' is not a redirect URI of ${client.name}.`) };
    }
    const state = params.get("state") ?? undefined;
    const back = (error: string, description: string) => this.redirect(redirectUri, { error, error_description: description, ...(state ? { state } : {}) });
    if (params.get("response_type") !== "code") return back("unsupported_response_type", "only the code flow is supported");
    const scopes = (params.get("scope") ?? "").split(/\s+/).filter(Boolean);
    const unknown = scopes.filter((s) => !(s in SCOPE_DESCRIPTIONS));
    if (scopes.length === 0 || unknown.length) return back("invalid_scope", unknown.length ? `unknown scope: ${unknown.join(" ")}` : "no scope requested");
    const requestId = b64url(randomBytes(18));
    this.pending.set(requestId, {
      clientId,
      redirectUri,
      scopes,
      ...(state ? { state } : {}),
      ...(params.get("nonce") ? { nonce: params.get("nonce") as string } : {}),
      ...(params.get("code_challenge") ? { codeChallenge: params.get("code_challenge") as string, codeChallengeMethod: params.get("code_challenge_method") ?? "plain" } : {}),
    });
    const orgs = needsOrganisation(scopes) ? this.opts.orgs() : [];
    const connected = [...this.connections.values()].filter((c) => c.clientId === clientId && c.userId === this.user.userId).map((c) => c.tenantId);
    return {
      status: 200,
      html: true,
      body: consentPage({
        requestId,
        appName: client.name,
        userEmail: this.user.email,
        scopes,
        organisations: orgs.map((o) => ({ tenantId: o.tenantId, name: o.name, baseCurrency: o.baseCurrency })),
        connected,
        action: consentAction,
      }),
    };
  }

  /**
   * The consent form's answer: allow (connecting the chosen organisations) or deny. Redirects
   * back to the app with `code`, `scope`, `state` and `session_state`, or `error=access_denied`.
   */
  decide(requestId: string, decision: "allow" | "deny", tenantIds: string[]): HttpAnswer {
    const p = this.pending.get(requestId);
    if (!p) return { status: 400, html: true, body: errorPage("This sign-in has expired", "Start again from the app.") };
    this.pending.delete(requestId);
    const state: Record<string, string> = p.state ? { state: p.state } : {};
    if (decision === "deny") return this.redirect(p.redirectUri, { error: "access_denied", ...state });
    const orgs = this.opts.orgs();
    if (needsOrganisation(p.scopes)) {
      const chosen = tenantIds.filter((t) => orgs.some((o) => o.tenantId === t));
      if (chosen.length === 0) return this.redirect(p.redirectUri, { error: "access_denied", error_description: "no organisation was chosen", ...state });
      tenantIds = chosen;
    } else tenantIds = [];
    const now = this.opts.clock();
    const grant: Grant = {
      grantId: randomUUID(),
      clientId: p.clientId,
      userId: this.user.userId,
      scopes: p.scopes,
      authEventId: randomUUID(),
      sessionId: b64url(randomBytes(16)),
      authTime: now,
      revoked: false,
    };
    this.grants.set(grant.grantId, grant);
    for (const tenantId of tenantIds) {
      const existing = [...this.connections.values()].find((c) => c.clientId === p.clientId && c.userId === grant.userId && c.tenantId === tenantId);
      if (existing) {
        existing.updatedAt = now;
        existing.authEventId = grant.authEventId;
      } else {
        const c: Connection = { id: randomUUID(), tenantId, clientId: p.clientId, userId: grant.userId, authEventId: grant.authEventId, createdAt: now, updatedAt: now };
        this.connections.set(c.id, c);
      }
    }
    const code = b64url(randomBytes(32));
    this.codes.set(code, {
      grantId: grant.grantId,
      clientId: p.clientId,
      redirectUri: p.redirectUri,
      ...(p.nonce ? { nonce: p.nonce } : {}),
      ...(p.codeChallenge ? { codeChallenge: p.codeChallenge, codeChallengeMethod: p.codeChallengeMethod as string } : {}),
      expiresAt: now + CODE_TTL_MS,
      used: false,
    });
    return this.redirect(p.redirectUri, { code, scope: p.scopes.join(" "), ...state, session_state: b64url(randomBytes(24)) });
  }

  private redirect(uri: string, params: Record<string, string>): HttpAnswer {
    const u = new URL(uri);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    return { status: 302, headers: { Location: u.toString() }, body: "" };
  }

  // ---- token endpoint ----

  private tokenError(error: string, description?: string, status = 400): HttpAnswer {
    return { status, body: { error, ...(description ? { error_description: description } : {}) } };
  }

  private authenticateClient(form: URLSearchParams, authorization: string | undefined): ClientApp | null {
    let id = form.get("client_id") ?? undefined;
    let secret = form.get("client_secret") ?? undefined;
    if (authorization?.startsWith("Basic ")) {
      const decoded = Buffer.from(authorization.slice(6), "base64").toString("utf8");
      const i = decoded.indexOf(":");
      id = decodeURIComponent(decoded.slice(0, i));
      secret = decodeURIComponent(decoded.slice(i + 1));
    }
    const client = id ? this.clients.get(id) : undefined;
    return client && secret !== undefined && secretEquals(secret, client.clientSecret) ? client : null;
  }

  /** POST /connect/token */
  async token(form: URLSearchParams, authorization: string | undefined): Promise<HttpAnswer> {
    const client = this.authenticateClient(form, authorization);
    if (!client) return this.tokenError("invalid_client");
    const now = this.opts.clock();
    const grantType = form.get("grant_type");
    if (grantType === "authorization_code") {
      const code = this.codes.get(form.get("code") ?? "");
      if (!code || code.used || code.expiresAt < now || code.clientId !== client.clientId) return this.tokenError("invalid_grant");
      if (code.redirectUri !== form.get("redirect_uri")) return this.tokenError("invalid_grant", "redirect_uri does not match");
      if (code.codeChallenge) {
        const verifier = form.get("code_verifier") ?? "";
        const computed = code.codeChallengeMethod === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
        if (computed !== code.codeChallenge) return this.tokenError("invalid_grant", "code_verifier does not match");
      }
      code.used = true;
      const grant = this.grants.get(code.grantId) as Grant;
      return { status: 200, body: await this.issue(grant, code.nonce) };
    }
    if (grantType === "refresh_token") {
      const token = form.get("refresh_token") ?? "";
      const rec = this.refreshTokens.get(token);
      const grant = rec ? this.grants.get(rec.grantId) : undefined;
      if (!rec || !grant || rec.revoked || grant.revoked || grant.clientId !== client.clientId) return this.tokenError("invalid_grant");
      if (now - rec.issuedAt > REFRESH_TOKEN_TTL_MS) return this.tokenError("invalid_grant");
      if (rec.usedAt !== undefined && now - rec.usedAt > this.refreshGraceMs) return this.tokenError("invalid_grant");
      rec.usedAt ??= now;
      return { status: 200, body: await this.issue(grant) };
    }
    return this.tokenError("unsupported_grant_type");
  }

  private async issue(grant: Grant, nonce?: string): Promise<Record<string, unknown>> {
    const now = this.opts.clock();
    const wall = Math.floor(Date.now() / 1000);
    const jti = randomUUID().replace(/-/g, "").toUpperCase();
    const accessToken = await new SignJWT({
      client_id: grant.clientId,
      sub: grant.userId,
      auth_time: Math.floor(grant.authTime / 1000),
      xero_userid: grant.userId,
      global_session_id: grant.sessionId,
      sid: grant.sessionId,
      jti,
      authentication_event_id: grant.authEventId,
      scope: grant.scopes,
    })
      .setProtectedHeader({ alg: "RS256", kid: this.kid, typ: "JWT" })
      .setIssuer(ISSUER)
      .setAudience(`${ISSUER}/resources`)
      .setNotBefore(wall)
      .setExpirationTime(wall + ACCESS_TOKEN_TTL_S)
      .sign(this.privateKey);
    this.accessTokens.set(accessToken, { grantId: grant.grantId, expiresAt: now + ACCESS_TOKEN_TTL_S * 1000 });
    const out: Record<string, unknown> = {};
    if (grant.scopes.includes("openid")) {
      const u = this.user;
      const claims: Record<string, unknown> = {
        auth_time: Math.floor(grant.authTime / 1000),
        xero_userid: u.userId,
        global_session_id: grant.sessionId,
        sid: grant.sessionId,
        ...(nonce ? { nonce } : {}),
      };
      if (grant.scopes.includes("email")) Object.assign(claims, { email: u.email, preferred_username: u.email });
      if (grant.scopes.includes("profile")) Object.assign(claims, { given_name: u.givenName, family_name: u.familyName, name: `${u.givenName} ${u.familyName}` });
      out.id_token = await new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: this.kid, typ: "JWT" })
        .setIssuer(ISSUER)
        .setAudience(grant.clientId)
        .setSubject(u.userId)
        .setIssuedAt(wall)
        .setNotBefore(wall)
        .setExpirationTime(wall + 300)
        .sign(this.privateKey);
    }
    out.access_token = accessToken;
    out.expires_in = ACCESS_TOKEN_TTL_S;
    out.token_type = "Bearer";
    if (grant.scopes.includes("offline_access")) {
      const refresh = b64url(randomBytes(32));
      this.refreshTokens.set(refresh, { grantId: grant.grantId, issuedAt: now, revoked: false });
      out.refresh_token = refresh;
    }
    out.scope = grant.scopes.join(" ");
    return out;
  }

  /** POST /connect/revocation: revoking a refresh token ends its grant and the grant's connections. */
  revoke(form: URLSearchParams, authorization: string | undefined): HttpAnswer {
    const client = this.authenticateClient(form, authorization);
    if (!client) return this.tokenError("invalid_client");
    const rec = this.refreshTokens.get(form.get("token") ?? "");
    if (rec) {
      const grant = this.grants.get(rec.grantId);
      if (grant?.clientId === client.clientId) this.revokeGrant(grant.grantId);
    }
    return { status: 200, body: "" };
  }

  /** Ends a grant: its refresh tokens give invalid_grant, its access tokens 401, its connections go. */
  revokeGrant(grantId: string): void {
    const grant = this.grants.get(grantId);
    if (!grant) return;
    grant.revoked = true;
    for (const [id, c] of this.connections) if (c.clientId === grant.clientId && c.userId === grant.userId) this.connections.delete(id);
  }

  /** Revokes one refresh token (the stand-in's control route). */
  revokeRefreshToken(token: string): boolean {
    const rec = this.refreshTokens.get(token);
    if (!rec) return false;
    rec.revoked = true;
    return true;
  }

  /** The grant behind a refresh token (tests). */
  grantOfRefreshToken(token: string): Grant | undefined {
    const rec = this.refreshTokens.get(token);
    return rec ? this.grants.get(rec.grantId) : undefined;
  }

  /** The grant behind a Bearer token, or a 401 problem. */
  authenticate(authorization: string | undefined): { grant: Grant } | { error: ReturnType<typeof authProblem> } {
    const token = authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : "";
    const rec = this.accessTokens.get(token);
    const grant = rec ? this.grants.get(rec.grantId) : undefined;
    if (!rec || !grant || grant.revoked) return { error: authProblem(401, "AuthenticationUnsuccessful") };
    if (rec.expiresAt < this.opts.clock()) {
      return { error: authProblem(401, `TokenExpired: token expired at ${new Date(rec.expiresAt).toISOString().replace("T", " ").slice(0, 19)}`) };
    }
    return { grant };
  }

  connectionsOf(grant: Grant): Connection[] {
    return [...this.connections.values()].filter((c) => c.clientId === grant.clientId && c.userId === grant.userId);
  }

  renderConnection(c: Connection): Record<string, unknown> {
    const org = this.opts.orgs().find((o) => o.tenantId === c.tenantId);
    return {
      id: c.id,
      authEventId: c.authEventId,
      tenantId: c.tenantId,
      tenantType: "ORGANISATION",
      tenantName: org?.name ?? "",
      createdDateUtc: new Date(c.createdAt).toISOString(),
      updatedDateUtc: new Date(c.updatedAt).toISOString(),
    };
  }

  scopesOf(grant: Grant): Set<string> {
    return new Set(grant.scopes.filter((s) => !IDENTITY_SCOPES.has(s)));
  }
}
