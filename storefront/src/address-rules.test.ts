import { describe, expect, it } from "vitest";
import { fieldLabel, fieldMessage, isRequired, postalRegionError, serverFieldErrors, validateAddress } from "./address-rules.ts";
import { countryName, countryOptions, ISO_COUNTRIES } from "./countries.ts";
import type { AddressDraft } from "./gift-types.ts";

const blank: AddressDraft = { name: "", company: "", line1: "", line2: "", city: "", region: "", postalCode: "", country: "", phone: "" };

describe("address rules", () => {
  it("reports every missing field at once, per country", () => {
    expect(Object.keys(validateAddress({ ...blank, country: "US" })).sort()).toEqual(["city", "line1", "name", "postalCode", "region"]);
    expect(Object.keys(validateAddress({ ...blank, country: "GB" })).sort()).toEqual(["city", "line1", "name", "postalCode"]);
    expect(Object.keys(validateAddress({ ...blank, country: "IE" })).sort()).toEqual(["city", "line1", "name"]);
    expect(Object.keys(validateAddress(blank)).sort()).toEqual(["city", "country", "line1", "name"]);
  });

  it("checks well-known postal code formats and phone numbers", () => {
    const ok: AddressDraft = { ...blank, name: "Ada", line1: "1 Way", city: "Springfield", region: "IL", postalCode: "62701", country: "US" };
    expect(validateAddress(ok)).toEqual({});
    expect(validateAddress({ ...ok, postalCode: "6270" })).toEqual({ postalCode: { code: "invalid_postal_code" } });
    expect(validateAddress({ ...ok, phone: "call me" })).toEqual({ phone: { code: "invalid_phone" } });
    expect(validateAddress({ ...ok, country: "PL", region: "", postalCode: "00-227" })).toEqual({});
  });

  it("checks the postal code against the state or province, the server's rule, and names where the code belongs", () => {
    const us: AddressDraft = { ...blank, name: "Ada", line1: "1 Way", city: "Springfield", region: "IN", postalCode: "62701", country: "US" };
    const err = validateAddress(us).postalCode!;
    expect(err.code).toBe("postal_code_not_in_region");
    expect(fieldMessage("postalCode", err, "US")).toBe("62701 is a ZIP code in Illinois, not Indiana. Check your ZIP code and state");
    expect(postalRegionError({ ...us, region: "IL" })).toBeUndefined();
    const ca: AddressDraft = { ...blank, name: "Ada", line1: "1 Way", city: "Ottawa", region: "BC", postalCode: "K1A 0B1", country: "CA" };
    expect(fieldMessage("postalCode", validateAddress(ca).postalCode!, "CA")).toBe("K1A 0B1 is not a postal code in British Columbia. Check your postal code and province");
    expect(validateAddress({ ...ca, region: "ON" })).toEqual({});
    // Nothing to compare yet: a blank region or a code that is not yet a code.
    expect(postalRegionError({ ...us, region: "" })).toBeUndefined();
    expect(postalRegionError({ ...us, postalCode: "627" })).toBeUndefined();
  });

  it("words each problem for a person, with the field's own label", () => {
    expect(fieldMessage("postalCode", { code: "required" }, "US")).toBe("Enter your ZIP code");
    expect(fieldMessage("postalCode", { code: "invalid_postal_code" }, "GB")).toBe("Enter a valid postcode, e.g. SW1A 1AA");
    expect(fieldMessage("region", { code: "required" }, "US")).toBe("Choose your state");
    expect(fieldMessage("region", { code: "required" }, "JP")).toBe("Enter your prefecture");
    expect(fieldMessage("phone", { code: "invalid_phone" }, "US")).toBe("Enter a phone number with digits only, e.g. +1 555 010 0100");
    expect(fieldMessage("country", { code: "country_not_shipped" }, "PL")).toBe("This gift can’t be shipped to Poland. Choose another country.");
    // The one country the gift's shipping was paid for: no other to choose.
    expect(fieldMessage("country", { code: "country_not_shipped" }, "PL", { onlyCountry: true })).toBe(
      "This gift ships only to Poland, and the brand can’t ship there at the moment. Please reach out to the sender.",
    );
    // Codes it does not know: the server's words (fragments get the label in front).
    expect(fieldMessage("company", { code: "custom", message: "Not allowed." }, "US")).toBe("Not allowed.");
    expect(fieldMessage("region", { code: "custom", message: "is required for addresses in US" }, "US")).toBe("State is required for addresses in US");
  });

  it("labels the UK's county as optional once", () => {
    expect(fieldLabel("region", "GB")).toBe("County");
    expect(isRequired("region", "GB")).toBe(false);
  });

  it("sorts the server's errors onto fields", () => {
    expect(
      serverFieldErrors([
        { path: "address.postalCode", code: "required", message: "Enter the postal code." },
        { path: "variantId", code: "not_a_choice", message: "That item is not one of this gift's choices." },
      ]),
    ).toEqual({ fields: { postalCode: { code: "required", message: "Enter the postal code." } }, other: ["That item is not one of this gift's choices."] });
  });
});

describe("countries", () => {
  it("lists every ISO 3166-1 country with an English name", () => {
    expect(ISO_COUNTRIES).toHaveLength(249);
    expect(new Set(ISO_COUNTRIES).size).toBe(249);
    for (const c of ISO_COUNTRIES) expect(countryName(c), c).not.toBe(c);
    expect(countryName("PL")).toBe("Poland");
    expect(countryOptions(["US", "CA", "DE"]).map((c) => c.code)).toEqual(["CA", "DE", "US"]);
  });
});
