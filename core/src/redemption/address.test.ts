import { describe, expect, it } from "vitest";
import { addressSchema } from "./address.ts";

const ok = { name: "Ada Lovelace", line1: "1 Main St", city: "Springfield", region: "IL", postalCode: "62701", country: "US" };
/** The problems of an address as `field:code`, in any order. */
const problems = (input: unknown) => {
  const r = addressSchema.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => `${i.path.join(".")}:${i.code === "custom" ? (i.params as { code: string }).code : i.code}`).sort();
};

describe("shipping address", () => {
  it("accepts a complete address; blank optional fields are left out and the country is upper-cased", () => {
    const r = addressSchema.parse({ ...ok, company: "  ", line2: "", phone: "", country: "us" });
    expect(r).toEqual({ ...ok, country: "US" });
  });

  it("reports every problem of an empty form at once, each on its field", () => {
    expect(problems({})).toEqual(["city:required", "country:required", "line1:required", "name:required"]);
    expect(problems({ name: "", company: "", line1: " ", line2: "", city: "", region: "", postalCode: "", country: "", phone: "" })).toEqual(
      ["city:required", "country:required", "line1:required", "name:required"],
    );
  });

  it("checks the country's own rules even when other fields are missing", () => {
    // The earlier schema stopped at the missing name and said nothing of the postal code.
    expect(problems({ ...ok, name: "", postalCode: "1234" })).toEqual(["name:required", "postalCode:invalid_postal_code"]);
    expect(problems({ ...ok, name: "", region: "", postalCode: "" })).toEqual(["name:required", "postalCode:required", "region:required"]);
  });

  it("asks for a region and a postal code only where the country has them", () => {
    expect(problems({ name: "A", line1: "1 Rue", city: "Paris", country: "FR" })).toEqual(["postalCode:required"]);
    expect(problems({ name: "A", line1: "1 Rue", city: "Paris", postalCode: "75001", country: "FR" })).toEqual([]);
    expect(problems({ name: "A", line1: "1 Main St", city: "Dublin", country: "IE" })).toEqual([]);
    expect(problems({ name: "A", line1: "1 Main St", city: "Toronto", postalCode: "M5V 2T6", country: "CA" })).toEqual(["region:required"]);
  });

  it("checks the postal code against the region where the country's codes follow its regions", () => {
    // United States: the ZIP prefix belongs to a state.
    expect(problems({ ...ok, region: "IN" })).toEqual(["postalCode:postal_code_not_in_region"]);
    expect(problems({ ...ok, region: "il" })).toEqual([]);
    const r = addressSchema.safeParse({ ...ok, region: "IN" });
    expect(r.success ? "" : r.error.issues[0]!.message).toBe("This postal code is not in Indiana: it belongs to Illinois. Check the postal code and the region.");
    // Canada: the first letter names the province; the territories share X, told apart by what follows.
    const ca = { name: "A", line1: "1 Wellington St", city: "Ottawa", country: "CA" };
    expect(problems({ ...ca, region: "ON", postalCode: "K1A 0B1" })).toEqual([]);
    expect(problems({ ...ca, region: "BC", postalCode: "K1A 0B1" })).toEqual(["postalCode:postal_code_not_in_region"]);
    expect(problems({ ...ca, region: "NU", postalCode: "X0A 0H0" })).toEqual([]);
    expect(problems({ ...ca, region: "NT", postalCode: "X0A 0H0" })).toEqual(["postalCode:postal_code_not_in_region"]);
    // Elsewhere as Google's address metadata knows it, by code or by name (Italy's provinces, Mexico's states).
    const it_ = { name: "A", line1: "Via del Corso 1", city: "Roma", country: "IT" };
    expect(problems({ ...it_, region: "RM", postalCode: "00184" })).toEqual([]);
    expect(problems({ ...it_, region: "Milano", postalCode: "00184" })).toEqual(["postalCode:postal_code_not_in_region"]);
    // A region it does not know, or a country without such a rule, is not second-guessed.
    expect(problems({ ...it_, region: "Lazio", postalCode: "00184" })).toEqual([]);
    expect(problems({ name: "A", line1: "1 Rue", city: "Paris", region: "Bretagne", postalCode: "75001", country: "FR" })).toEqual([]);
    // A malformed code gets the format's message only.
    expect(problems({ ...ok, region: "IN", postalCode: "6270" })).toEqual(["postalCode:invalid_postal_code"]);
  });

  it("names wrong values: a country that is not a code, a phone with letters, text where text belongs", () => {
    expect(problems({ ...ok, country: "USA" })).toEqual(["country:invalid_country"]);
    expect(problems({ ...ok, phone: "call me" })).toEqual(["phone:invalid_phone"]);
    expect(problems({ ...ok, name: 42 })).toEqual(["name:invalid_type"]);
    expect(problems({ ...ok, city: "x".repeat(101) })).toEqual(["city:too_big"]);
  });

  it("words each problem for a person, without codes or library jargon", () => {
    const r = addressSchema.safeParse({ country: "JP" });
    const messages = r.success ? [] : r.error.issues.map((i) => i.message);
    expect(messages).toContain("Enter the recipient's name.");
    expect(messages).toContain("Enter the state, province or region: addresses in this country need one.");
    for (const m of messages) expect(m).not.toMatch(/Invalid input|expected string|undefined/);
  });
});
