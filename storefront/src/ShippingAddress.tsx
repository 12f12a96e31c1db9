import { countryName } from "./countries.ts";
import type { Address } from "./gift-types.ts";

/** An address as a label shows it: name, company, street, city with region and postal code, country. */
export function ShippingAddress({ address: a }: { address: Address }) {
  const cityLine = [a.city, [a.region, a.postalCode].filter(Boolean).join(" ")].filter(Boolean).join(", ");
  return (
    <address className="ship-to">
      {a.name}
      <br />
      {a.company ? (
        <>
          {a.company}
          <br />
        </>
      ) : null}
      {a.line1}
      {a.line2 ? `, ${a.line2}` : ""}
      <br />
      {cityLine}
      <br />
      {countryName(a.country)}
      {a.phone ? (
        <>
          <br />
          <span className="muted">Phone {a.phone}</span>
        </>
      ) : null}
    </address>
  );
}

/** The address the form holds, without its blank fields. */
export function draftToAddress(d: Record<string, string>): Address {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d)) if (v.trim() !== "") out[k] = v.trim();
  return out as unknown as Address;
}
