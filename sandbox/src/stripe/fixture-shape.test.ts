import { describe, expect, it } from "vitest";
import { compareShape } from "./fixture-shape.ts";

// The comparator the contract test relies on must itself catch what it claims to catch.

describe("compareShape", () => {
  const fixture = {
    id: "pi_1",
    amount: 100,
    livemode: false,
    description: "x",
    customer: null,
    metadata: { order_id: "1" },
    transfer_data: { destination: { id: "acct_1", object: "account" } },
    items: [{ sku: "a", qty: 1 }],
  };

  it("accepts the same shape, ids for expanded objects, nulls (reported) and any metadata keys", () => {
    const report = compareShape(fixture, {
      id: "pi_2",
      amount: 5,
      livemode: false,
      description: null,
      customer: "cus_1",
      metadata: {},
      transfer_data: { destination: "acct_2" },
      items: [{ sku: "b", qty: 2 }],
      extra: true,
    });
    expect(report.mismatches).toEqual([]);
    expect(report.nulls).toEqual(["$.description"]);
  });

  it("reports missing keys and wrong types, including nested ones and array items", () => {
    const report = compareShape(fixture, {
      id: "pi_2",
      amount: "5",
      livemode: false,
      description: "y",
      metadata: {},
      transfer_data: { destination: 7 },
      items: [{ sku: "b" }],
    });
    expect(report.mismatches).toEqual([
      "$.amount: fixture has number, stand-in has string",
      "$.customer: missing",
      "$.transfer_data.destination: fixture has object, stand-in has number",
      "$.items[0].qty: missing",
    ]);
  });
});
