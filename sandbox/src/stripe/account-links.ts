import { applyOnboarding, ONBOARDING_OUTCOMES, reachableAccount } from "./account-status.ts";
import { makeAccountLink } from "./connect-objects.ts";
import { dashboardPage, messagePage, onboardingPage } from "./connect-pages.ts";
import { invalidRequest, missingParam } from "./errors.ts";
import { html, redirect, reply, type Handler, type RouteDef } from "./handler.ts";
import { randomToken } from "./ids.ts";
import { checkParams, oneOf, str } from "./params.ts";
import { AUTOMATIC } from "./state.ts";

// Account Links and the pages behind them. As at Stripe, a link is short-lived (5 minutes) and
// single-use: opening it starts the holder's onboarding session; opening it again, or after it
// expired, sends the browser to the link's `refresh_url`, where the platform mints a new one.
// Leaving the onboarding (whatever the holder did) goes to `return_url`, which says nothing about
// the outcome: the platform reads the account (or waits for `account.updated`).
// Login links open the stand-in's Express dashboard, once.

export const ACCOUNT_LINK_TTL_SECONDS = 300;

function checkUrl(value: string | undefined, param: string): string {
  if (value === undefined) throw missingParam(param);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidRequest(`Not a valid URL`, { param, code: "url_invalid" });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalidRequest(`Not a valid URL`, { param, code: "url_invalid" });
  return value;
}

const create: Handler = (ctx) => {
  const { state, params: p } = ctx;
  checkParams(p, { account: "string", type: "string", refresh_url: "string", return_url: "string", collect: "any", collection_options: "any", expand: "strings" });
  const accountId = str(p, "account");
  if (accountId === undefined) throw missingParam("account");
  const type = oneOf(p, "type", ["account_onboarding", "account_update"] as const);
  if (type === undefined) throw missingParam("type");
  if (type === "account_update") {
    throw invalidRequest("The Stripe stand-in does not model account_update links; the real Stripe API accepts them for accounts whose requirements the platform collects.", { param: "type" });
  }
  const refreshUrl = checkUrl(str(p, "refresh_url"), "refresh_url");
  const returnUrl = checkUrl(str(p, "return_url"), "return_url");
  const account = reachableAccount(state, accountId, ctx.apiKey);
  const token = randomToken(32);
  const created = state.now();
  state.accountLinks.set(token, { token, account: account.id, type, refreshUrl, returnUrl, expiresAt: created + ACCOUNT_LINK_TTL_SECONDS, visit: null, submitted: false });
  const url = `${state.config.baseUrl()}/setup/e/${account.id}/${token}`;
  return reply(ctx, makeAccountLink({ url, created, expiresAt: created + ACCOUNT_LINK_TTL_SECONDS }));
};

const invalidLink = () => html(messagePage("This link is not valid", "Ask the platform for a new onboarding link."), 404);

const openOnboarding: Handler = (ctx) => {
  const { state } = ctx;
  const link = state.accountLinks.get(ctx.path.token ?? "");
  const account = link && link.account === ctx.path.account ? state.accounts.get(link.account) : undefined;
  if (!link || !account) return invalidLink();
  if (link.visit !== null || state.now() > link.expiresAt || state.deauthorized.has(account.id)) return redirect(link.refreshUrl, 302);
  link.visit = randomToken(24);
  return html(onboardingPage(account, { action: `/setup/e/${account.id}/${link.token}`, visit: link.visit, returnHost: new URL(link.returnUrl).host }));
};

const submitOnboarding: Handler = (ctx) => {
  const { state } = ctx;
  const link = state.accountLinks.get(ctx.path.token ?? "");
  const account = link && link.account === ctx.path.account ? state.accounts.get(link.account) : undefined;
  if (!link || !account) return invalidLink();
  checkParams(ctx.params, { visit: "string", outcome: "string" });
  // Only the session the link opened may submit, once; anything else starts over at refresh_url.
  if (link.visit === null || str(ctx.params, "visit") !== link.visit || link.submitted || state.deauthorized.has(account.id)) {
    return redirect(link.refreshUrl);
  }
  const outcome = oneOf(ctx.params, "outcome", ONBOARDING_OUTCOMES);
  if (!outcome) return html(messagePage("Choose what the account holder does", "Go back and pick one of the buttons."), 400);
  link.submitted = true;
  applyOnboarding(state, account, outcome, AUTOMATIC);
  return redirect(link.returnUrl);
};

const openDashboard: Handler = (ctx) => {
  const { state } = ctx;
  const link = state.loginLinks.get(ctx.path.token ?? "");
  const account = link && link.account === ctx.path.account ? state.accounts.get(link.account) : undefined;
  if (!link || !account) return html(messagePage("This link is not valid", "Ask the platform for a new dashboard link."), 404);
  if (link.used) return html(messagePage("This link has expired", "Dashboard links work once. Open the dashboard again from the platform."), 410);
  link.used = true;
  const balance = state.ledger.balance(account.id, account.default_currency ?? "usd");
  const payments = [...state.charges.values()].filter((c) => state.ownerOf(c.id) === account.id).reverse();
  return html(dashboardPage(account, balance, payments));
};

export const accountLinkRoutes: RouteDef[] = [
  ["POST", "/v1/account_links", create],
  ["GET", "/setup/e/:account/:token", openOnboarding],
  ["POST", "/setup/e/:account/:token", submitOnboarding],
  ["GET", "/express/:account/:token", openDashboard],
  // Browsers ask for it on every page.
  ["GET", "/favicon.ico", () => ({ status: 204, body: "", contentType: "image/x-icon" })],
];
