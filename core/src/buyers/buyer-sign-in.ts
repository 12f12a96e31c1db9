import type { Context } from "hono";
import type { Deps } from "../platform/deps.ts";
import { brandedEmail, paragraph } from "../integrations/email/branded-layout.ts";
import { html } from "../integrations/email/html.ts";
import { displayCode, normalizeEmail } from "../platform/web-session/tokens.ts";
import type { LinkFailure, LinkVerification } from "../platform/web-session/web-sessions.ts";
import { buyerSessions } from "./buyer-sessions.ts";
import { memberByEmail, memberView, type MemberView } from "./buyer-members.ts";
import type { BuyerRole } from "./buyer-roles.ts";

/**
 * Passwordless accounts of the buyer storefront: sign up with a work email (the link creates
 * the organisation and its owner), sign in by emailed link or its pasted code, and accept an
 * invitation the same way. Whether an email has an account is never revealed by the answers.
 */

/** Mailbox providers for individuals: a buyer signs up with the company's own domain. */
const PERSONAL_DOMAINS = new Set([
  "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "hotmail.com", "outlook.com", "live.com", "msn.com",
  "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "web.de",
  "mail.com", "yandex.com", "yandex.ru", "zoho.com", "qq.com", "163.com",
]);

export const isWorkEmail = (email: string) => !PERSONAL_DOMAINS.has(normalizeEmail(email).split("@")[1] ?? "");

type LinkPurpose = "sign_in" | "sign_up" | "invite";

export type RequestLinkResult = { ok: true } | { ok: false; code: "rate_limited"; retryAfterSeconds: number };

const SIGN_IN_PATH = "/buy/sign-in";

async function sendLink(
  deps: Pick<Deps, "db" | "config" | "email">,
  input: { email: string; purpose: LinkPurpose; payload?: Record<string, unknown>; clientKey: string; orgName?: string },
): Promise<RequestLinkResult> {
  const r = await buyerSessions(deps).requestLink({ email: input.email, purpose: input.purpose, payload: input.payload ?? {}, clientKey: input.clientKey });
  if (!r.ok) return { ok: false, code: "rate_limited", retryAfterSeconds: r.retryAfterSeconds };
  const url = `${deps.config.publicUrl.replace(/\/$/, "")}${SIGN_IN_PATH}#token=${r.link.token}`;
  const code = displayCode(r.link.code);
  const what =
    input.purpose === "sign_up" ? "finish creating your team's gifting account"
    : input.purpose === "invite" ? `join ${input.orgName ?? "your team"} on Giftloop`
    : "sign in to Giftloop";
  const heading = input.purpose === "invite" ? `You're invited to ${input.orgName ?? "a team"}` : input.purpose === "sign_up" ? "Confirm your email" : "Your sign-in link";
  await deps.email.send({
    to: normalizeEmail(input.email),
    subject: input.purpose === "invite" ? `Join ${input.orgName ?? "your team"} on Giftloop` : `Your Giftloop sign-in code: ${code}`,
    idempotencyKey: `web-login:${r.link.id}`,
    html: brandedEmail({
      brand: { name: "Giftloop" },
      title: heading,
      preheader: `Your code is ${code}. It works once, for 15 minutes.`,
      heading,
      body: html`${paragraph(`Use this button to ${what}. It works once, for 15 minutes.`)}${paragraph(html`Or paste this code on the sign-in page: <strong style="font-size:20px;letter-spacing:2px;">${code}</strong>`)}`,
      button: { label: input.purpose === "invite" ? "Join the team" : "Sign in", url },
      footer: "If you did not ask for this, ignore this email: nothing happens without the link or the code.",
    }),
    text: `Use this link to ${what} (it works once, for 15 minutes):\n${url}\n\nOr paste this code on the sign-in page: ${code}\n\nIf you did not ask for this, ignore this email.`,
  });
  return { ok: true };
}

/** Sign up: a link that creates the organisation. An email that already has an account gets a sign-in link. */
export async function requestSignUp(
  deps: Pick<Deps, "db" | "config" | "email">,
  input: { email: string; organisation: string; name?: string | undefined },
  clientKey: string,
): Promise<RequestLinkResult> {
  const existing = await memberByEmail(deps.db, input.email);
  if (existing) return sendLink(deps, { email: input.email, purpose: "sign_in", clientKey });
  return sendLink(deps, { email: input.email, purpose: "sign_up", payload: { organisation: input.organisation, name: input.name ?? null }, clientKey });
}

/** Sign in: a link for an email on a team; nothing for an unknown email (the answer is the same). */
export async function requestSignIn(deps: Pick<Deps, "db" | "config" | "email">, email: string, clientKey: string): Promise<RequestLinkResult> {
  const member = await memberByEmail(deps.db, email);
  if (!member) return { ok: true };
  return sendLink(deps, { email, purpose: "sign_in", clientKey });
}

/** The invitation email of a member just invited. */
export async function sendInvitation(deps: Pick<Deps, "db" | "config" | "email">, email: string, orgName: string, clientKey: string): Promise<RequestLinkResult> {
  return sendLink(deps, { email, purpose: "invite", clientKey, orgName });
}

export interface SignedIn {
  member: MemberView;
  organisation: { id: string; name: string; digestOptIn: boolean };
  csrfToken: string;
}

export type CompleteResult = { ok: true; session: SignedIn } | { ok: false; reason: LinkFailure | "no_account" };

/** Signs the browser in after a verified link or code: creates the organisation on sign-up, joins an invited member. */
export async function completeSignIn(deps: Pick<Deps, "db" | "config">, c: Context, verified: LinkVerification): Promise<CompleteResult> {
  if (!verified.ok) return verified;
  const { email, purpose, payload } = verified.link;
  let member = await memberByEmail(deps.db, email);
  if (!member && purpose === "sign_up") {
    member = await deps.db.prisma.$transaction(async (tx) => {
      const org = await tx.buyerOrg.create({ data: { name: String(payload.organisation ?? email), email } });
      const m = await tx.buyerMember.create({
        data: { buyerOrgId: org.id, email, name: typeof payload.name === "string" ? payload.name : null, role: "owner" satisfies BuyerRole, joinedAt: new Date() },
      });
      await tx.auditLog.create({ data: { actor: `buyer_member:${m.id}`, action: "buyer_org.signed_up", entity: "buyer_org", entityId: org.id } });
      return m;
    });
  }
  if (!member) return { ok: false, reason: "no_account" };
  if (!member.joinedAt) member = await deps.db.prisma.buyerMember.update({ where: { id: member.id }, data: { joinedAt: new Date() } });
  const session = await buyerSessions(deps).start(c, member.id);
  return { ok: true, session: await sessionView(deps, member.id, session.csrfToken) };
}

export async function sessionView(deps: Pick<Deps, "db">, memberId: string, csrfToken: string): Promise<SignedIn> {
  const m = await deps.db.prisma.buyerMember.findUniqueOrThrow({ where: { id: memberId }, include: { buyerOrg: true } });
  return {
    member: memberView(m),
    organisation: { id: m.buyerOrg.id, name: m.buyerOrg.name, digestOptIn: m.buyerOrg.digestOptIn },
    csrfToken,
  };
}
