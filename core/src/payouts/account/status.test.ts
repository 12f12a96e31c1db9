import { describe, expect, it } from "vitest";
import { deauthorizedStatus, deriveAccountStatus, isPayoutAccountActive, isPayoutAccountStatus } from "./status.ts";

const fresh = {
  details_submitted: false,
  capabilities: { transfers: "inactive" },
  requirements: {
    currently_due: ["tos_acceptance.date", "external_account", "business_type"],
    past_due: ["external_account"],
    pending_verification: [],
    disabled_reason: "requirements.past_due",
  },
};

describe("deriveAccountStatus", () => {
  it("no account is not_started", () => {
    expect(deriveAccountStatus(null)).toEqual({ status: "not_started", requirements: [], disabledReason: null });
  });

  it("an account whose holder has not finished Stripe's form is onboarding, with what is due sorted", () => {
    expect(deriveAccountStatus(fresh)).toEqual({
      status: "onboarding",
      requirements: ["business_type", "external_account", "tos_acceptance.date"],
      disabledReason: "requirements.past_due",
    });
  });

  it("submitted with requirements due is restricted, listing currently_due and past_due once each", () => {
    const d = deriveAccountStatus({
      details_submitted: true,
      capabilities: { transfers: "inactive" },
      requirements: { currently_due: ["individual.verification.document", "external_account"], past_due: ["external_account"], disabled_reason: "requirements.past_due" },
    });
    expect(d).toEqual({ status: "restricted", requirements: ["external_account", "individual.verification.document"], disabledReason: "requirements.past_due" });
  });

  it("submitted and being verified is still onboarding", () => {
    const d = deriveAccountStatus({
      details_submitted: true,
      capabilities: { transfers: "pending" },
      requirements: { currently_due: [], pending_verification: ["individual.id_number"], disabled_reason: "requirements.pending_verification" },
    });
    expect(d.status).toBe("onboarding");
    expect(d.disabledReason).toBe("requirements.pending_verification");
  });

  it("active needs the transfers capability active and no disabled_reason", () => {
    const ok = { details_submitted: true, capabilities: { transfers: "active" }, requirements: { currently_due: [], disabled_reason: null } };
    expect(deriveAccountStatus(ok)).toEqual({ status: "active", requirements: [], disabledReason: null });
    // Requirements that come due later do not stop transfers until Stripe disables them.
    expect(deriveAccountStatus({ ...ok, requirements: { currently_due: ["company.tax_id"], disabled_reason: null } }).status).toBe("active");
    // An active capability with a disabled_reason on the account is not active.
    expect(deriveAccountStatus({ ...ok, requirements: { currently_due: ["external_account"], disabled_reason: "requirements.past_due" } }).status).toBe("restricted");
    expect(deriveAccountStatus({ ...ok, capabilities: { transfers: "pending" } }).status).toBe("onboarding");
    expect(deriveAccountStatus({ ...ok, capabilities: {} }).status).toBe("onboarding");
  });

  it("rejected, listed or paused by the platform is disabled with Stripe's reason, even if the capability still reads active", () => {
    for (const reason of ["rejected.fraud", "rejected.other", "listed", "platform_paused"]) {
      const d = deriveAccountStatus({ details_submitted: true, capabilities: { transfers: "active" }, requirements: { currently_due: [], disabled_reason: reason } });
      expect(d).toEqual({ status: "disabled", requirements: [], disabledReason: reason });
    }
    // Not final: Stripe is reviewing, the account can still be completed.
    expect(deriveAccountStatus({ details_submitted: true, capabilities: { transfers: "inactive" }, requirements: { currently_due: [], disabled_reason: "under_review" } }).status).toBe("onboarding");
  });

  it("a deauthorized account is disabled with the reason 'deauthorized'", () => {
    expect(deauthorizedStatus()).toEqual({ status: "disabled", requirements: [], disabledReason: "deauthorized" });
  });
});

describe("isPayoutAccountActive", () => {
  it("is true for active only", () => {
    expect(isPayoutAccountActive("active")).toBe(true);
    for (const s of ["not_started", "onboarding", "restricted", "disabled", "", null, undefined]) expect(isPayoutAccountActive(s)).toBe(false);
    expect(isPayoutAccountStatus("restricted")).toBe(true);
    expect(isPayoutAccountStatus("paused")).toBe(false);
  });
});

describe("onboardingReturnUrls", () => {
  it("leads back to the app's Payouts page in Shopify admin, or in the sandbox admin frame", async () => {
    const { onboardingReturnUrls } = await import("./payout-account.ts");
    expect(onboardingReturnUrls({ SHOPIFY_API_KEY: "abc123", SHOPIFY_ADMIN_URL: undefined }, "northwind.myshopify.com")).toEqual({
      returnUrl: "https://admin.shopify.com/store/northwind/apps/abc123/payouts?stripe=return",
      refreshUrl: "https://admin.shopify.com/store/northwind/apps/abc123/payouts?stripe=refresh",
    });
    expect(onboardingReturnUrls({ SHOPIFY_API_KEY: "k", SHOPIFY_ADMIN_URL: "http://127.0.0.1:3001/" }, "demo.myshopify.com").returnUrl).toBe(
      "http://127.0.0.1:3001/store/demo/apps/k/payouts?stripe=return",
    );
  });
});
