import { describe, expect, it } from "vitest";
import { StripeApiError } from "./errors.ts";
import { canonicalParams, parseStripeForm } from "./form.ts";

describe("Stripe form encoding", () => {
  it("nests bracketed keys and turns indexed keys into arrays", () => {
    const p = parseStripeForm(
      "amount=5000&metadata[order_id]=o%201&metadata[note]=a+b&allowed_payment_method_types[0]=card&expand[]=latest_charge&expand[]=payment_method&payment_method_data[card][number]=4242",
    );
    expect(p).toEqual({
      amount: "5000",
      metadata: { order_id: "o 1", note: "a b" },
      allowed_payment_method_types: ["card"],
      expand: ["latest_charge", "payment_method"],
      payment_method_data: { card: { number: "4242" } },
    });
  });

  it("keeps an empty value (Stripe's way to unset) and accepts percent-encoded brackets", () => {
    expect(parseStripeForm("metadata=&description=")).toEqual({ metadata: "", description: "" });
    expect(parseStripeForm("metadata%5Bk%5D=v")).toEqual({ metadata: { k: "v" } });
  });

  it("refuses a key given both as a value and as a hash, and prototype keys", () => {
    expect(() => parseStripeForm("metadata=x&metadata[k]=v")).toThrow(StripeApiError);
    expect(() => parseStripeForm("metadata[__proto__]=x")).toThrow(StripeApiError);
    expect(() => parseStripeForm("a[b=1")).toThrow(StripeApiError);
  });

  it("renders parameters canonically, so key order does not matter for idempotency", () => {
    expect(canonicalParams(parseStripeForm("a=1&b[x]=2&b[y]=3"))).toBe(canonicalParams(parseStripeForm("b[y]=3&a=1&b[x]=2")));
    expect(canonicalParams(parseStripeForm("a=1"))).not.toBe(canonicalParams(parseStripeForm("a=2")));
  });
});
