import { useId, useState, type FormEvent } from "react";
import type { Address, Problem } from "./gift-types.ts";

export interface AddressFormProps {
  recipientName: string;
  shipsTo: string[] | "anywhere";
  busy: boolean;
  /** The server's problem with the last attempt (field errors are shown beside their fields). */
  problem: Problem | null;
  onSubmit: (address: Address) => void;
  onBack: () => void;
}

const COMMON = ["US", "CA", "GB", "DE", "FR", "NL", "ES", "IT", "AU", "JP", "IE", "SE", "DK", "NO", "CH", "AT", "BE"];
const regionLabel = (country: string) =>
  ({ US: "State", CA: "Province", AU: "State / territory", JP: "Prefecture", IE: "County", GB: "County (optional)" })[country] ?? "Region";
const postalLabel = (country: string) => ({ US: "ZIP code", GB: "Postcode", AU: "Postcode", CA: "Postal code" })[country] ?? "Postal code";

export function countryName(code: string, locale = typeof navigator === "undefined" ? "en" : navigator.language): string {
  try {
    return new Intl.DisplayNames([locale, "en"], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The only country offered, else the browser's own region when the brand ships there. */
function defaultCountry(codes: string[]): string {
  if (codes.length === 1) return codes[0]!;
  const region = typeof navigator === "undefined" ? undefined : /-([A-Z]{2})\b/.exec(navigator.language)?.[1];
  return region && codes.includes(region) ? region : "";
}

/** Where to send the gift; only countries the brand ships to are offered. */
export function AddressForm({ recipientName, shipsTo, busy, problem, onSubmit, onBack }: AddressFormProps) {
  const countries = (shipsTo === "anywhere" ? COMMON : shipsTo)
    .map((c) => ({ code: c, name: countryName(c) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const [a, setA] = useState<Address>({ name: recipientName, line1: "", city: "", country: defaultCountry(countries.map((c) => c.code)) });
  const id = useId();
  const fieldError = (field: string) => problem?.errors?.find((e) => e.path === `address.${field}` || e.path === field)?.message;
  const set = (field: keyof Address) => (e: { target: { value: string } }) => setA({ ...a, [field]: e.target.value });

  function submit(e: FormEvent) {
    e.preventDefault();
    const clean = Object.fromEntries(Object.entries(a).filter(([, v]) => typeof v === "string" && v.trim() !== "")) as unknown as Address;
    onSubmit(clean);
  }

  const field = (name: keyof Address, label: string, opts: { autoComplete: string; required?: boolean; type?: string } ) => {
    const err = fieldError(name);
    return (
      <div className="field">
        <label htmlFor={`${id}-${name}`}>{label}{opts.required ? "" : <span className="optional"> (optional)</span>}</label>
        <input
          id={`${id}-${name}`}
          name={name}
          type={opts.type ?? "text"}
          autoComplete={opts.autoComplete}
          required={opts.required}
          value={(a[name] as string | undefined) ?? ""}
          onChange={set(name)}
          aria-invalid={err ? true : undefined}
          aria-describedby={err ? `${id}-${name}-err` : undefined}
        />
        {err && <p className="field-error" id={`${id}-${name}-err`}>{label} {err}</p>}
      </div>
    );
  };

  return (
    <form className="address" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <h2 id={`${id}-title`}>Where should we send it?</h2>
      {problem && !problem.errors?.length && <p className="banner error" role="alert">{problem.detail ?? "Something went wrong. Please try again."}</p>}
      {problem?.errors?.length ? <p className="banner error" role="alert">Please check the highlighted fields.</p> : null}
      {field("name", "Full name", { autoComplete: "shipping name", required: true })}
      {field("company", "Company", { autoComplete: "shipping organization" })}
      <div className="field">
        <label htmlFor={`${id}-country`}>Country</label>
        <select id={`${id}-country`} name="country" autoComplete="shipping country" required value={a.country} onChange={set("country")} aria-invalid={fieldError("country") ? true : undefined}>
          <option value="" disabled>Choose a country</option>
          {countries.map((c) => (
            <option key={c.code} value={c.code}>{c.name}</option>
          ))}
        </select>
        {fieldError("country") && <p className="field-error">Country {fieldError("country")}</p>}
      </div>
      {field("line1", "Address", { autoComplete: "shipping address-line1", required: true })}
      {field("line2", "Apartment, suite, etc.", { autoComplete: "shipping address-line2" })}
      <div className="row">
        {field("city", "City", { autoComplete: "shipping address-level2", required: true })}
        {field("region", regionLabel(a.country), { autoComplete: "shipping address-level1", required: ["US", "CA", "AU", "JP"].includes(a.country) })}
        {field("postalCode", postalLabel(a.country), { autoComplete: "shipping postal-code", required: !["IE", "HK", "AE", "QA"].includes(a.country) })}
      </div>
      {field("phone", "Phone, for the carrier", { autoComplete: "shipping tel", type: "tel" })}
      <div className="actions">
        <button type="button" className="secondary" onClick={onBack} disabled={busy}>Back</button>
        <button type="submit" className="primary" disabled={busy}>{busy ? "Sending…" : "Confirm and send my gift"}</button>
      </div>
    </form>
  );
}
