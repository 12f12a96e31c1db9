import type Stripe from "stripe";
import { ONBOARDING_OUTCOMES, type OnboardingOutcome } from "./account-status.ts";
import { PLATFORM_APPLICATION } from "./connect-objects.ts";
import { formatAmount } from "./money.ts";

// The pages a connected account's holder sees instead of Stripe's: the hosted onboarding an
// Account Link opens, and the Express dashboard a login link opens. Plain server-rendered HTML,
// readable on a phone; every choice on the onboarding page is a button of one form.

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

const LABELS: Record<string, string> = {
  "business_profile.mcc": "Industry",
  "business_profile.url": "Business website",
  business_type: "Type of business",
  external_account: "Bank account for payouts",
  "representative.first_name": "Representative's legal name",
  "representative.last_name": "Representative's legal name",
  "tos_acceptance.date": "Acceptance of the Stripe Connected Account Agreement",
  "tos_acceptance.ip": "Acceptance of the Stripe Connected Account Agreement",
  "individual.verification.document": "Identity document (passport or driving licence)",
  "individual.id_number": "Government ID number",
};

/** Stripe's requirement names in words, one line per distinct label. */
export function requirementLabels(fields: string[]): string[] {
  return [...new Set(fields.map((f) => LABELS[f] ?? f))];
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;color:#1a1f36;background:#f6f9fc}
.banner{background:#ffe8b3;color:#5c3c00;text-align:center;font-size:13px;padding:6px 12px}
header{display:flex;align-items:center;gap:10px;max-width:560px;margin:24px auto 0;padding:0 16px;color:#4f566b}
.logo{width:32px;height:32px;border-radius:8px;background:#635bff;color:#fff;display:grid;place-items:center;font-weight:700}
main{max-width:560px;margin:16px auto 40px;padding:0 16px}
.card{background:#fff;border-radius:12px;box-shadow:0 2px 5px rgba(60,66,87,.08),0 1px 1px rgba(0,0,0,.12);padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:15px;margin:20px 0 8px}
.muted{color:#697386;font-size:13px}.ids{font-family:ui-monospace,Menlo,monospace;font-size:12px;color:#697386;overflow-wrap:anywhere}
ul.req{margin:0;padding-left:20px}ul.req li{margin:2px 0}
.choices{display:grid;gap:10px;margin-top:16px}
button{font:inherit;width:100%;text-align:left;padding:12px 14px;border-radius:8px;border:1px solid #d5dbe1;background:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #a7a2ff;outline-offset:1px}
button strong{display:block;font-size:15px}button span{display:block;font-size:13px;color:#697386}
button.primary{background:#635bff;border-color:#635bff;color:#fff}button.primary span{color:#e0ddff}
button.danger strong{color:#c0123c}
table{width:100%;border-collapse:collapse;font-size:14px}th,td{text-align:left;padding:8px 6px;border-bottom:1px solid #e3e8ee}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#697386}th.num,td.num{text-align:right}td.date,.nowrap{white-space:nowrap}td.num .pill{margin-top:2px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px}
.tile{border:1px solid #e3e8ee;border-radius:8px;padding:10px 12px}.tile b{display:block;font-size:20px}
.pill{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;background:#e3e8ee}.pill.ok{background:#d7f7c2;color:#05690d}.pill.warn{background:#fcedb9;color:#a82c00}.pill.bad{background:#ffe7f2;color:#b3093c}
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>
<div class="banner" role="note">Stripe stand-in · test mode: nothing on this page reaches Stripe</div>
<header><div class="logo" aria-hidden="true">S</div><div>${escapeHtml(PLATFORM_APPLICATION.name ?? "Platform")} partners with Stripe for secure payouts</div></header>
<main>${body}</main></body></html>`;
}

function accountName(a: Stripe.Account): string {
  return a.business_profile?.name ?? a.email ?? a.id;
}

const CHOICES: Record<OnboardingOutcome, { title: string; detail: string; className: string }> = {
  complete: {
    title: "Complete onboarding with test data",
    detail: "Identity verified, bank account STRIPE TEST BANK •••• 6789 added: transfers become active.",
    className: "primary",
  },
  pending: {
    title: "Submit and wait for verification",
    detail: "Everything is provided; Stripe is still verifying the identity document (transfers pending).",
    className: "",
  },
  restricted: {
    title: "Stop with requirements due",
    detail: "The identity document could not be read and no bank account was added (account restricted).",
    className: "",
  },
  rejected: { title: "Reject the account", detail: "Stripe declines the account (disabled_reason rejected.other).", className: "danger" },
};

export function onboardingPage(a: Stripe.Account, opts: { action: string; visit: string; returnHost: string }): string {
  const due = a.requirements?.currently_due ?? [];
  const needs = due.length
    ? `<h2>Stripe needs</h2><ul class="req">${requirementLabels(due).map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`
    : `<h2>Stripe needs</h2><p class="muted">Nothing is due right now.</p>`;
  const buttons = ONBOARDING_OUTCOMES.map((o) => {
    const c = CHOICES[o];
    return `<button type="submit" name="outcome" value="${o}" class="${c.className}" data-outcome="${o}"><strong>${escapeHtml(c.title)}</strong><span>${escapeHtml(c.detail)}</span></button>`;
  }).join("");
  return page(
    `Set up payouts for ${accountName(a)}`,
    `<div class="card"><h1>Set up payouts for ${escapeHtml(accountName(a))}</h1>
<p class="ids">${escapeHtml(a.id)} · ${escapeHtml(a.country ?? "")} · payouts in ${escapeHtml((a.default_currency ?? "").toUpperCase())}</p>
${needs}
<h2>What does the account holder do?</h2>
<form method="post" action="${escapeHtml(opts.action)}"><input type="hidden" name="visit" value="${escapeHtml(opts.visit)}"><div class="choices">${buttons}</div></form>
<p class="muted">Afterwards you return to ${escapeHtml(opts.returnHost)}.</p></div>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<div class="card"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></div>`);
}

function statusPill(a: Stripe.Account): string {
  const reason = a.requirements?.disabled_reason;
  if (reason?.startsWith("rejected.")) return `<span class="pill bad">Rejected</span>`;
  if (a.capabilities?.transfers === "active") return `<span class="pill ok">Active</span>`;
  if (a.capabilities?.transfers === "pending") return `<span class="pill warn">Verification pending</span>`;
  return `<span class="pill warn">Restricted</span>`;
}

function date(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

export function dashboardPage(a: Stripe.Account, balance: Stripe.Balance, payments: Stripe.Charge[]): string {
  const tiles = balance.available
    .map((av) => {
      const pending = balance.pending.find((p) => p.currency === av.currency)?.amount ?? 0;
      return `<div class="tile"><span class="muted">Available (${av.currency.toUpperCase()})</span><b>${escapeHtml(formatAmount(av.amount, av.currency))}</b><span class="muted">On the way: ${escapeHtml(formatAmount(pending, av.currency))}</span></div>`;
    })
    .join("");
  const rows = payments
    .map((p) => {
      const refunded = p.amount_refunded > 0 ? `<br><span class="pill warn nowrap">${escapeHtml(formatAmount(p.amount_refunded, p.currency))} reversed</span>` : "";
      return `<tr><td class="date">${date(p.created)}</td><td class="ids">${escapeHtml(typeof p.source_transfer === "string" ? p.source_transfer : "")}</td><td class="num"><span class="nowrap">${escapeHtml(formatAmount(p.amount, p.currency))}</span>${refunded}</td></tr>`;
    })
    .join("");
  const bank = a.external_accounts?.data[0];
  return page(
    `${accountName(a)} · Express dashboard`,
    `<div class="card"><h1>${escapeHtml(accountName(a))} ${statusPill(a)}</h1><p class="ids">${escapeHtml(a.id)}</p>
<h2>Balance</h2><div class="tiles">${tiles}</div>
<h2>Payments from ${escapeHtml(PLATFORM_APPLICATION.name ?? "the platform")}</h2>
<table><thead><tr><th>Date</th><th>Transfer</th><th class="num">Amount</th></tr></thead><tbody>${rows || `<tr><td colspan="3" class="muted">No payments yet.</td></tr>`}</tbody></table>
<h2>Payouts go to</h2><p>${bank && bank.object === "bank_account" ? `${escapeHtml(bank.bank_name ?? "Bank")} •••• ${escapeHtml(bank.last4)} (${escapeHtml(bank.currency.toUpperCase())})` : `<span class="muted">No bank account yet.</span>`}</p></div>`,
  );
}
