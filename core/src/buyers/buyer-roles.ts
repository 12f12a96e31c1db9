/**
 * Roles of a buyer organisation's members and what each may do. Checked on the server for
 * every request (`buyerAuth`); the buyer app only hides what a role cannot use.
 * An API key acts for the organisation as a whole: it may do everything.
 */
export const BUYER_ROLES = ["owner", "admin", "sender", "finance"] as const;
export type BuyerRole = (typeof BUYER_ROLES)[number];

export const PERMISSIONS = [
  "orders.read",
  "orders.create",
  "orders.manage",
  "orders.pay",
  "receipts.read",
  "team.manage",
  "keys.manage",
  "settings.manage",
] as const;
export type BuyerPermission = (typeof PERMISSIONS)[number];

const GRANTS: Record<BuyerRole, readonly BuyerPermission[]> = {
  owner: PERMISSIONS,
  admin: PERMISSIONS,
  sender: ["orders.read", "orders.create", "orders.manage"],
  finance: ["orders.read", "orders.pay", "receipts.read"],
};

export function permissionsOf(role: BuyerRole | "api_key"): readonly BuyerPermission[] {
  return role === "api_key" ? PERMISSIONS : GRANTS[role];
}

export function can(role: BuyerRole | "api_key", permission: BuyerPermission): boolean {
  return permissionsOf(role).includes(permission);
}

export const isBuyerRole = (s: string): s is BuyerRole => (BUYER_ROLES as readonly string[]).includes(s);

/**
 * The permission a buyer operation needs, by method and path (under `/v1`). Operations not
 * listed need every permission (owners and admins), so a new write is closed by default.
 */
const RULES: Array<[method: string, path: RegExp, permission: BuyerPermission | "any"]> = [
  ["GET", /^\/v1\/buyer$/, "any"],
  ["GET", /^\/v1\/buyer\/members$/, "any"],
  ["POST", /^\/v1\/buyer\/members$/, "team.manage"],
  ["PATCH", /^\/v1\/buyer\/members\/[^/]+$/, "team.manage"],
  ["DELETE", /^\/v1\/buyer\/members\/[^/]+$/, "team.manage"],
  ["GET", /^\/v1\/buyer\/api-keys$/, "keys.manage"],
  ["POST", /^\/v1\/buyer\/api-keys$/, "keys.manage"],
  ["DELETE", /^\/v1\/buyer\/api-keys\/[^/]+$/, "keys.manage"],
  ["PATCH", /^\/v1\/buyer\/settings$/, "settings.manage"],
  ["GET", /^\/v1\/buyer\/orders\/[^/]+\/receipt(\.pdf)?$/, "receipts.read"],
  ["POST", /^\/v1\/orders$/, "orders.create"],
  ["POST", /^\/v1\/orders\/csv$/, "orders.create"],
  ["POST", /^\/v1\/orders\/[^/]+\/cancel$/, "orders.create"],
  ["POST", /^\/v1\/orders\/[^/]+\/checkout$/, "orders.pay"],
  ["POST", /^\/v1\/buyer\/orders\/[^/]+\/sandbox-payment$/, "orders.pay"],
  ["POST", /^\/v1\/orders\/[^/]+\/units\/[^/]+\/cancel$/, "orders.manage"],
  ["POST", /^\/v1\/buyer\/orders\/[^/]+\/units\/[^/]+\/(resend|email)$/, "orders.manage"],
  ["GET", /^\/v1\/orders(\/.*)?$/, "orders.read"],
  ["GET", /^\/v1\/buyer\/orders(\/.*)?$/, "orders.read"],
];

export function permissionFor(method: string, path: string): BuyerPermission | "any" | "all" {
  const m = method === "HEAD" ? "GET" : method;
  for (const [rm, re, p] of RULES) if (rm === m && re.test(path)) return p;
  return "all";
}

export function allowed(role: BuyerRole | "api_key", method: string, path: string): boolean {
  const p = permissionFor(method, path);
  if (p === "any") return true;
  if (p === "all") return permissionsOf(role).length === PERMISSIONS.length;
  return can(role, p);
}
