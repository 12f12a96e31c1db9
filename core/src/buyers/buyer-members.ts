import type { Database } from "../platform/db/connect.ts";
import type { BuyerRole } from "./buyer-roles.ts";
import type { BuyerContext } from "./buyer-context.ts";
import { normalizeEmail } from "../platform/web-session/tokens.ts";

/** A member of a buyer organisation as the site and the API show it. */
export interface MemberView {
  id: string;
  email: string;
  name: string | null;
  role: BuyerRole;
  joinedAt: string | null;
  createdAt: string;
}

export interface SessionMember {
  id: string;
  buyerOrgId: string;
  email: string;
  role: BuyerRole;
}

type MemberRow = { id: string; email: string; name: string | null; role: string; joinedAt: Date | null; createdAt: Date };

export const memberView = (m: MemberRow): MemberView => ({
  id: m.id,
  email: m.email,
  name: m.name,
  role: m.role as BuyerRole,
  joinedAt: m.joinedAt?.toISOString() ?? null,
  createdAt: m.createdAt.toISOString(),
});

/** The member a session belongs to, while they are still on the team. */
export async function memberOfSession(db: Database, memberId: string): Promise<SessionMember | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(memberId)) return undefined;
  const m = await db.prisma.buyerMember.findUnique({ where: { id: memberId } });
  if (!m || m.removedAt) return undefined;
  return { id: m.id, buyerOrgId: m.buyerOrgId, email: m.email, role: m.role as BuyerRole };
}

/** The member an email signs in as: the newest team it is on (invited or joined). */
export async function memberByEmail(db: Database, email: string) {
  return db.prisma.buyerMember.findFirst({
    where: { email: normalizeEmail(email), removedAt: null },
    orderBy: { createdAt: "desc" },
  });
}

export async function listMembers(ctx: BuyerContext): Promise<MemberView[]> {
  const rows = await ctx.db.prisma.buyerMember.findMany({ where: { removedAt: null }, orderBy: { createdAt: "asc" } });
  return rows.map(memberView);
}

export type InviteResult = { ok: true; member: MemberView } | { ok: false; code: "already_member" };

/** Adds an invited member (joins on first sign-in), invited by the member who asks. The invitation email is the caller's. */
export async function inviteMember(ctx: BuyerContext, input: { email: string; role: BuyerRole; name?: string | undefined }): Promise<InviteResult> {
  const { buyerOrgId } = ctx.tenant;
  const email = normalizeEmail(input.email);
  const existing = await ctx.db.prisma.buyerMember.findUnique({ where: { buyerOrgId_email: { buyerOrgId, email } } });
  if (existing && !existing.removedAt) return { ok: false, code: "already_member" };
  const data = { role: input.role, name: input.name ?? null, invitedBy: ctx.principal.memberId ?? null, joinedAt: null, removedAt: null };
  const row = existing
    ? await ctx.db.prisma.buyerMember.update({ where: { id: existing.id }, data })
    : await ctx.db.prisma.buyerMember.create({ data: { buyerOrgId, email, ...data } });
  return { ok: true, member: memberView(row) };
}

export type MemberChange = { ok: true; member: MemberView } | { ok: false; code: "not_found" | "last_owner" };

/** Changes a member's role; the team always keeps an owner. */
export async function changeRole(ctx: BuyerContext, memberId: string, role: BuyerRole): Promise<MemberChange> {
  return ctx.db.prisma.$transaction(async (tx) => {
    const m = await tx.buyerMember.findFirst({ where: { id: memberId, removedAt: null } });
    if (!m) return { ok: false, code: "not_found" } as const;
    if (m.role === "owner" && role !== "owner") {
      const owners = await tx.buyerMember.count({ where: { role: "owner", removedAt: null } });
      if (owners <= 1) return { ok: false, code: "last_owner" } as const;
    }
    const row = await tx.buyerMember.update({ where: { id: m.id }, data: { role } });
    return { ok: true, member: memberView(row) } as const;
  });
}

/** Removes a member from the team (their sessions are ended by the caller). */
export async function removeMember(ctx: BuyerContext, memberId: string): Promise<{ ok: true } | { ok: false; code: "not_found" | "last_owner" }> {
  return ctx.db.prisma.$transaction(async (tx) => {
    const m = await tx.buyerMember.findFirst({ where: { id: memberId, removedAt: null } });
    if (!m) return { ok: false, code: "not_found" } as const;
    if (m.role === "owner") {
      const owners = await tx.buyerMember.count({ where: { role: "owner", removedAt: null } });
      if (owners <= 1) return { ok: false, code: "last_owner" } as const;
    }
    await tx.buyerMember.update({ where: { id: m.id }, data: { removedAt: new Date() } });
    return { ok: true } as const;
  });
}
