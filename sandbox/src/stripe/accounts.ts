import type Stripe from "stripe";
import {
  applyOnboarding,
  capabilitiesOf,
  changeAccount,
  deauthorize,
  initCapabilities,
  MODELLED_CAPABILITIES,
  ONBOARDING_OUTCOMES,
  reachableAccount,
  rejectAccount,
} from "./account-status.ts";
import { INITIAL_REQUIREMENTS, makeAccount, makeLoginLink, requirements } from "./connect-objects.ts";
import { invalidRequest, missingParam, resourceMissing } from "./errors.ts";
import type { ParamMap } from "./form.ts";
import { reply, type Ctx, type Handler, type RouteDef } from "./handler.ts";
import { randomToken } from "./ids.ts";
import { makeList } from "./objects.ts";
import { applyMetadata, checkParams, LIST_SPEC, oneOf, str, sub, type SpecMap } from "./params.ts";
import { AUTOMATIC } from "./state.ts";

// Connected accounts (v1 Accounts API): create with controller properties (or a legacy `type`),
// retrieve, update, list, reject; their capabilities; Express dashboard login links. The
// onboarding itself happens on the Account Link page (account-links.ts); its outcomes and the
// events they cause are in account-status.ts.

/** Countries the stand-in onboards, with the currency their accounts settle in. */
const COUNTRY_CURRENCY: Record<string, string> = {
  US: "usd", CA: "cad", GB: "gbp", AU: "aud", DE: "eur", FR: "eur", IE: "eur", NL: "eur", ES: "eur", IT: "eur", BE: "eur", AT: "eur",
};

const BUSINESS_PROFILE_SPEC: SpecMap = {
  name: "string",
  url: "string",
  mcc: "string",
  product_description: "string",
  support_email: "string",
  support_phone: "any",
  support_url: "any",
  support_address: "any",
  annual_revenue: "any",
  estimated_worker_count: "any",
  monthly_estimated_revenue: "any",
  minority_owned_business_designation: "any",
};

const SHARED_SPEC: SpecMap = {
  email: "string",
  business_type: "string",
  business_profile: BUSINESS_PROFILE_SPEC,
  capabilities: "any",
  default_currency: "string",
  metadata: "metadata",
  tos_acceptance: { service_agreement: "string", date: "unsupported", ip: "unsupported", user_agent: "unsupported" },
  settings: "any",
  expand: "strings",
  // The holder gives these on the onboarding page; supplying them through the API is not modelled.
  individual: "unsupported",
  company: "unsupported",
  external_account: "unsupported",
  documents: "unsupported",
  account_token: "unsupported",
};

const CREATE_SPEC: SpecMap = {
  ...SHARED_SPEC,
  type: "string",
  country: "string",
  controller: {
    fees: { payer: "string" },
    losses: { payments: "string" },
    requirement_collection: "string",
    stripe_dashboard: { type: "string" },
  },
  groups: "any",
};

const UPDATE_SPEC: SpecMap = { ...SHARED_SPEC, controller: "unsupported", groups: "any" };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const BUSINESS_TYPES = ["company", "government_entity", "individual", "non_profit"] as const;

/** The controller of a new account, from `controller[...]` or a legacy `type`, checked for combinations Stripe refuses. */
function controllerOf(p: ParamMap): { controller: Stripe.Account.Controller; type: Stripe.Account.Type } {
  const legacy = oneOf(p, "type", ["express", "standard", "custom"] as const);
  const c = sub(p, "controller");
  if (legacy && c) throw invalidRequest("You may only specify one of these parameters: controller, type.", { code: "parameters_exclusive" });
  if (legacy === "express") {
    return { type: "express", controller: { fees: { payer: "application_express" }, is_controller: true, losses: { payments: "application" }, requirement_collection: "stripe", stripe_dashboard: { type: "express" }, type: "application" } };
  }
  if (legacy === "custom") {
    return { type: "custom", controller: { fees: { payer: "application_custom" }, is_controller: true, losses: { payments: "application" }, requirement_collection: "application", stripe_dashboard: { type: "none" }, type: "application" } };
  }
  if (legacy === "standard" || !c) {
    return { type: "standard", controller: { fees: { payer: "account" }, is_controller: false, losses: { payments: "stripe" }, requirement_collection: "stripe", stripe_dashboard: { type: "full" }, type: "account" } };
  }
  const fees = sub(c, "fees");
  const losses = sub(c, "losses");
  const dash = sub(c, "stripe_dashboard");
  const payer = (fees && oneOf(fees, "payer", ["account", "application"] as const, "controller[fees][payer]")) ?? "account";
  const liable = (losses && oneOf(losses, "payments", ["application", "stripe"] as const, "controller[losses][payments]")) ?? "stripe";
  const collection = oneOf(c, "requirement_collection", ["application", "stripe"] as const, "controller[requirement_collection]") ?? "stripe";
  const dashboard = (dash && oneOf(dash, "type", ["express", "full", "none"] as const, "controller[stripe_dashboard][type]")) ?? "full";
  if (collection === "application" && dashboard !== "none") {
    throw invalidRequest("controller[stripe_dashboard][type] must be `none` when controller[requirement_collection] is `application`.", { param: "controller[stripe_dashboard][type]" });
  }
  if (collection === "application" && liable !== "application") {
    throw invalidRequest("controller[losses][payments] must be `application` when controller[requirement_collection] is `application`.", { param: "controller[losses][payments]" });
  }
  if (dashboard !== "full" && payer !== "application") {
    throw invalidRequest("controller[fees][payer] must be `application` for accounts without access to the full Stripe Dashboard.", { param: "controller[fees][payer]" });
  }
  if (liable === "stripe" && payer !== "account") {
    throw invalidRequest("controller[losses][payments] can only be `stripe` when controller[fees][payer] is `account`.", { param: "controller[losses][payments]" });
  }
  const type: Stripe.Account.Type =
    dashboard === "express" && payer === "application" && liable === "application" && collection === "stripe"
      ? "express"
      : dashboard === "none" && collection === "application"
        ? "custom"
        : dashboard === "full" && payer === "account" && liable === "stripe"
          ? "standard"
          : "none";
  return {
    type,
    controller: { fees: { payer }, is_controller: true, losses: { payments: liable }, requirement_collection: collection, stripe_dashboard: { type: dashboard }, type: "application" },
  };
}

/** `capabilities[name][requested]=true|false` → the names asked for (true) and refused (false). */
function requestedCapabilities(p: ParamMap): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const caps = p.capabilities;
  if (caps === undefined) return out;
  if (typeof caps === "string" || Array.isArray(caps)) throw invalidRequest("Invalid hash", { param: "capabilities" });
  for (const [name, value] of Object.entries(caps)) {
    const path = `capabilities[${name}]`;
    if (!(MODELLED_CAPABILITIES as readonly string[]).includes(name)) {
      throw invalidRequest(`The Stripe stand-in does not model the capability ${name}; the real Stripe API accepts it.`, { param: path });
    }
    if (typeof value === "string" || Array.isArray(value)) throw invalidRequest("Invalid hash", { param: path });
    checkParams(value, { requested: "bool" }, path);
    const requested = str(value, "requested");
    if (requested === undefined) throw missingParam(`${path}[requested]`);
    out.set(name, requested === "true");
  }
  return out;
}

function checkEmail(p: ParamMap): string | undefined {
  const email = str(p, "email");
  if (email !== undefined && !EMAIL.test(email)) throw invalidRequest(`Invalid email address: ${email}`, { param: "email" });
  return email;
}

function profileOf(p: ParamMap, current?: Stripe.Account.BusinessProfile | null) {
  const bp = sub(p, "business_profile") ?? {};
  const pick = (key: string, now: string | null | undefined) => {
    const v = str(bp, key);
    return v === undefined ? (now ?? null) : v === "" ? null : v;
  };
  return {
    name: pick("name", current?.name),
    url: pick("url", current?.url),
    mcc: pick("mcc", current?.mcc),
    productDescription: pick("product_description", current?.product_description),
    supportEmail: pick("support_email", current?.support_email),
  };
}

const create: Handler = (ctx) => {
  const { state, params: p } = ctx;
  checkParams(p, CREATE_SPEC);
  const { controller, type } = controllerOf(p);
  const country = (str(p, "country") ?? "US").toUpperCase();
  const countryCurrency = COUNTRY_CURRENCY[country];
  if (!countryCurrency) throw invalidRequest(`Country '${country}' is unknown or not supported by the Stripe stand-in.`, { param: "country" });
  const defaultCurrency = (str(p, "default_currency") ?? countryCurrency).toLowerCase();
  if (!Object.values(COUNTRY_CURRENCY).includes(defaultCurrency)) {
    throw invalidRequest(`${defaultCurrency} is not a supported settlement currency for an account in ${country}.`, { param: "default_currency" });
  }
  const caps = requestedCapabilities(p);
  const requested = new Set([...caps].filter(([, on]) => on).map(([name]) => name));
  if (type === "standard" && caps.size === 0) for (const name of MODELLED_CAPABILITIES) requested.add(name);
  if (requested.size === 0) {
    throw invalidRequest("Accounts without the full Stripe Dashboard must request at least one capability, e.g. capabilities[transfers][requested]=true.", { param: "capabilities" });
  }
  if (requested.has("card_payments") && !requested.has("transfers")) {
    throw invalidRequest("The card_payments capability can only be requested together with the transfers capability.", { param: "capabilities[card_payments]" });
  }
  const agreement = oneOf(sub(p, "tos_acceptance") ?? {}, "service_agreement", ["full", "recipient"] as const, "tos_acceptance[service_agreement]");
  if (agreement === "recipient" && requested.has("card_payments")) {
    throw invalidRequest("Accounts under the recipient service agreement cannot request card_payments.", { param: "tos_acceptance[service_agreement]" });
  }
  const businessType = oneOf(p, "business_type", BUSINESS_TYPES);
  const account = makeAccount({
    country,
    email: checkEmail(p) ?? null,
    defaultCurrency,
    controller,
    type,
    businessProfile: profileOf(p),
    capabilities: {},
    metadata: applyMetadata({}, p),
    created: state.now(),
  });
  if (businessType) {
    account.business_type = businessType;
    account.requirements = requirements({ due: INITIAL_REQUIREMENTS.filter((r) => r !== "business_type"), disabledReason: "requirements.past_due" });
  }
  if (agreement) account.tos_acceptance = { ...account.tos_acceptance, service_agreement: agreement };
  state.add(state.accounts, account);
  initCapabilities(state, account, requested);
  return reply(ctx, account);
};

function account(ctx: Ctx): Stripe.Account {
  return reachableAccount(ctx.state, ctx.path.id ?? "", ctx.apiKey);
}

const retrieve: Handler = (ctx) => {
  checkParams(ctx.params, { expand: "strings" });
  return reply(ctx, account(ctx));
};

const update: Handler = (ctx) => {
  const { state, params: p } = ctx;
  const a = account(ctx);
  checkParams(p, UPDATE_SPEC);
  const email = checkEmail(p);
  const caps = requestedCapabilities(p);
  const businessType = oneOf(p, "business_type", BUSINESS_TYPES);
  const currency = str(p, "default_currency")?.toLowerCase();
  if (currency !== undefined && !Object.values(COUNTRY_CURRENCY).includes(currency)) {
    throw invalidRequest(`${currency} is not a supported settlement currency.`, { param: "default_currency" });
  }
  const profile = profileOf(p, a.business_profile);
  changeAccount(state, a, ctx.cause, (acct) => {
    if (email !== undefined) acct.email = email;
    if (businessType) acct.business_type = businessType;
    if (currency) acct.default_currency = currency;
    acct.metadata = applyMetadata(acct.metadata ?? {}, p);
    acct.business_profile = { ...acct.business_profile!, name: profile.name, url: profile.url, mcc: profile.mcc, product_description: profile.productDescription, support_email: profile.supportEmail };
    for (const [name, on] of caps) {
      const cap = capabilitiesOf(state, acct.id).get(name);
      if (!cap || cap.requested === on) continue;
      cap.requested = on;
      cap.requested_at = on ? state.now() : null;
    }
  });
  return reply(ctx, a);
};

const list: Handler = (ctx) => {
  checkParams(ctx.params, LIST_SPEC);
  const items = [...ctx.state.accounts.values()].filter((a) => !ctx.state.deauthorized.has(a.id)) as Array<Stripe.Account & { created: number }>;
  return reply(ctx, ctx.state.list(items, ctx.params, "/v1/accounts", "account"));
};

const reject: Handler = (ctx) => {
  checkParams(ctx.params, { reason: "string", expand: "strings" });
  const a = account(ctx);
  const reason = oneOf(ctx.params, "reason", ["fraud", "terms_of_service", "other"] as const);
  if (!reason) throw missingParam("reason");
  if (a.controller?.losses?.payments !== "application") {
    throw invalidRequest("Only accounts whose negative balances the platform is liable for can be rejected by the platform.", { param: "reason" });
  }
  rejectAccount(ctx.state, a, reason, ctx.cause);
  return reply(ctx, a);
};

function capability(ctx: Ctx): Stripe.Capability {
  const cap = capabilitiesOf(ctx.state, account(ctx).id).get(ctx.path.capability ?? "");
  if (!cap) throw resourceMissing("capability", ctx.path.capability ?? "", "capability");
  return cap;
}

const listCapabilities: Handler = (ctx) => {
  checkParams(ctx.params, { expand: "strings" });
  const a = account(ctx);
  const caps = [...capabilitiesOf(ctx.state, a.id).values()];
  return reply(ctx, makeList(caps, false, `/v1/accounts/${a.id}/capabilities`));
};

const retrieveCapability: Handler = (ctx) => {
  checkParams(ctx.params, { expand: "strings" });
  return reply(ctx, capability(ctx));
};

const updateCapability: Handler = (ctx) => {
  checkParams(ctx.params, { requested: "bool", expand: "strings" });
  const cap = capability(ctx);
  const on = str(ctx.params, "requested");
  if (on !== undefined && (on === "true") !== cap.requested) {
    changeAccount(ctx.state, account(ctx), ctx.cause, () => {
      cap.requested = on === "true";
      cap.requested_at = cap.requested ? ctx.state.now() : null;
    });
  }
  return reply(ctx, cap);
};

const createLoginLink: Handler = (ctx) => {
  checkParams(ctx.params, { expand: "strings" });
  const a = account(ctx);
  if (a.controller?.stripe_dashboard?.type !== "express") {
    throw invalidRequest("Login links can only be created for accounts that use the Express Dashboard.", { param: "account" });
  }
  if (!a.details_submitted) {
    throw invalidRequest("Cannot create a login link for an account that has not completed onboarding.", { param: "account" });
  }
  const token = randomToken(24);
  ctx.state.loginLinks.set(token, { token, account: a.id, used: false });
  return reply(ctx, makeLoginLink({ url: `${ctx.state.config.baseUrl()}/express/${a.id}/${token}`, created: ctx.state.now() }));
};

/** Sandbox control: the outcome of onboarding (or of Stripe's verification) without the page. */
const sandboxOnboarding: Handler = (ctx) => {
  checkParams(ctx.params, { outcome: "string" });
  const a = ctx.state.accounts.get(ctx.path.id ?? "");
  if (!a) throw resourceMissing("account", ctx.path.id ?? "");
  const outcome = oneOf(ctx.params, "outcome", ONBOARDING_OUTCOMES);
  if (!outcome) throw missingParam("outcome");
  applyOnboarding(ctx.state, a, outcome, AUTOMATIC);
  return reply(ctx, a);
};

const sandboxDeauthorize: Handler = (ctx) => {
  checkParams(ctx.params, {});
  const a = ctx.state.accounts.get(ctx.path.id ?? "");
  if (!a) throw resourceMissing("account", ctx.path.id ?? "");
  if (ctx.state.deauthorized.has(a.id)) throw invalidRequest(`Account ${a.id} is already deauthorized.`);
  deauthorize(ctx.state, a);
  return { body: { id: a.id, deauthorized: true } };
};

export const accountRoutes: RouteDef[] = [
  ["POST", "/v1/accounts", create],
  ["GET", "/v1/accounts", list],
  ["GET", "/v1/accounts/:id", retrieve],
  ["POST", "/v1/accounts/:id", update],
  ["POST", "/v1/accounts/:id/reject", reject],
  ["GET", "/v1/accounts/:id/capabilities", listCapabilities],
  ["GET", "/v1/accounts/:id/capabilities/:capability", retrieveCapability],
  ["POST", "/v1/accounts/:id/capabilities/:capability", updateCapability],
  ["POST", "/v1/accounts/:id/login_links", createLoginLink],
  ["POST", "/_sandbox/accounts/:id/onboarding", sandboxOnboarding],
  ["POST", "/_sandbox/accounts/:id/deauthorize", sandboxDeauthorize],
];
