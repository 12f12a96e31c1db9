import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent } from "react";
import {
  ADDRESS_FIELDS,
  fieldLabel,
  fieldMessage,
  isRequired,
  MAX_LENGTH,
  serverFieldErrors,
  validateAddress,
  type AddressField,
  type FieldError,
} from "./address-rules.ts";
import { isExpiredToken } from "./api.ts";
import { countryOptions, ISO_COUNTRIES, REGIONS } from "./countries.ts";
import type { AddressDraft, Problem } from "./gift-types.ts";

export interface AddressFormProps {
  /** Id of the form's heading (focus moves there when the form opens). */
  headingId: string;
  value: AddressDraft;
  onChange: (value: AddressDraft) => void;
  shipsTo: string[] | "anywhere";
  busy: boolean;
  /** The server's problem with the last attempt (field errors are shown beside their fields). */
  problem: Problem | null;
  onSubmit: (address: AddressDraft) => void;
  onBack: () => void;
  /** How many field errors are shown (for the page title). */
  onErrorCount?: (n: number) => void;
}

/** The only country offered, else the browser's own region when the brand ships there. */
export function defaultCountry(shipsTo: string[] | "anywhere"): string {
  const codes = shipsTo === "anywhere" ? ISO_COUNTRIES : shipsTo;
  if (codes.length === 1) return codes[0]!;
  const region = typeof navigator === "undefined" ? undefined : /-([A-Z]{2})\b/.exec(navigator.language)?.[1];
  return region && codes.includes(region) ? region : "";
}

type Errors = Partial<Record<AddressField, FieldError>>;

/** Field errors of a problem from the server: its `errors`, or the country it does not ship to. */
function fromServer(problem: Problem | null): { fields: Errors; other: string[] } {
  if (!problem) return { fields: {}, other: [] };
  const { fields, other } = serverFieldErrors(problem.errors ?? []);
  if (problem.code === "country_not_shipped") fields.country ??= { code: "country_not_shipped" };
  return { fields, other };
}

/** Where to send the gift; only countries the brand ships to are offered. */
export function AddressForm({ headingId, value: a, onChange, shipsTo, busy, problem, onSubmit, onBack, onErrorCount }: AddressFormProps) {
  const countries = countryOptions(shipsTo === "anywhere" ? ISO_COUNTRIES : shipsTo);
  const id = useId();
  const fieldId = (f: AddressField) => `${id}-${f}`;
  const summaryRef = useRef<HTMLDivElement & HTMLParagraphElement>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  const [showSummary, setShowSummary] = useState(0);

  // A new answer from the server: its field errors replace the form's.
  useEffect(() => {
    if (!problem) return;
    const { fields, other } = fromServer(problem);
    setErrors(fields);
    setOtherErrors(other);
    setShowSummary((n) => n + 1);
  }, [problem]);

  // After a failed submit, the error summary (or the one problem without a field) takes
  // focus and comes into view.
  useLayoutEffect(() => {
    const el = summaryRef.current;
    if (showSummary === 0 || !el) return;
    el.focus({ preventScroll: true });
    el.scrollIntoView?.({ block: "start" });
  }, [showSummary]);

  const shown = ADDRESS_FIELDS.filter((f) => errors[f]);
  useEffect(() => {
    onErrorCount?.(shown.length);
  }, [shown.length]);

  function set(field: AddressField, v: string) {
    const next = { ...a, [field]: v };
    // A new country: a state from the old one's list means nothing in the new one.
    if (field === "country" && (REGIONS[a.country] || REGIONS[v])) next.region = "";
    onChange(next);
    // Editing a field clears its error; the next submit checks it again.
    if (errors[field] || (field === "country" && (errors.region || errors.postalCode))) {
      const rest = { ...errors };
      delete rest[field];
      if (field === "country") {
        delete rest.region;
        delete rest.postalCode;
      }
      setErrors(rest);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const found = validateAddress(a);
    setErrors(found);
    setOtherErrors([]);
    if (Object.keys(found).length > 0) {
      setShowSummary((n) => n + 1);
      return;
    }
    onSubmit(Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, a[f].trim()])) as unknown as AddressDraft);
  }

  const message = (f: AddressField) => (errors[f] ? fieldMessage(f, errors[f]!, a.country, { onlyCountry: countries.length === 1 }) : undefined);
  const errId = (f: AddressField) => `${fieldId(f)}-err`;
  const labelFor = (f: AddressField) => (
    <label htmlFor={fieldId(f)}>
      {fieldLabel(f, a.country)}
      {isRequired(f, a.country) ? null : <span className="optional"> (optional)</span>}
    </label>
  );
  const errorText = (f: AddressField) =>
    errors[f] ? (
      <p className="field-error" id={errId(f)}>
        <span className="sr-only">Error: </span>
        {message(f)}
      </p>
    ) : null;
  const invalid = (f: AddressField) => (errors[f] ? { "aria-invalid": true as const, "aria-describedby": errId(f) } : {});

  const field = (f: AddressField, autoComplete: string, opts: { type?: string; inputMode?: "tel" | "text" } = {}) => (
    <div className={`field field-${f}`}>
      {labelFor(f)}
      {errorText(f)}
      <input
        id={fieldId(f)}
        name={f}
        type={opts.type ?? "text"}
        autoComplete={autoComplete}
        required={isRequired(f, a.country)}
        maxLength={MAX_LENGTH[f]}
        value={a[f]}
        onChange={(e) => set(f, e.target.value)}
        {...invalid(f)}
      />
    </div>
  );

  const select = (f: "country" | "region", autoComplete: string, options: Array<{ code: string; name: string }>, placeholder: string) => (
    <div className={`field field-${f}`}>
      {labelFor(f)}
      {errorText(f)}
      <select id={fieldId(f)} name={f} autoComplete={autoComplete} required={isRequired(f, a.country)} value={a[f]} onChange={(e) => set(f, e.target.value)} {...invalid(f)}>
        <option value="">{placeholder}</option>
        {options.map((o) => (
          <option key={o.code} value={o.code}>{o.name}</option>
        ))}
      </select>
    </div>
  );

  const regions = REGIONS[a.country];
  const general = problem && !isExpiredToken(problem) && Object.keys(fromServer(problem).fields).length === 0 && otherErrors.length === 0 ? problem : null;
  return (
    <form className="address" onSubmit={submit} aria-labelledby={headingId} noValidate>
      <h2 id={headingId} tabIndex={-1}>Where should we send it?</h2>
      {shown.length + otherErrors.length > 0 && (
        <div className="error-summary" ref={summaryRef} tabIndex={-1} aria-labelledby={`${id}-summary`}>
          <h3 id={`${id}-summary`}>{shown.length + otherErrors.length === 1 ? "Check this before we ship:" : `Check these ${shown.length + otherErrors.length} things before we ship:`}</h3>
          <ul>
            {shown.map((f) => (
              <li key={f}>
                <a
                  href={`#${fieldId(f)}`}
                  onClick={(e) => {
                    e.preventDefault();
                    const el = document.getElementById(fieldId(f));
                    el?.focus({ preventScroll: true });
                    el?.closest(".field")?.scrollIntoView({ block: "center" });
                  }}
                >
                  {message(f)}
                </a>
              </li>
            ))}
            {otherErrors.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      )}
      {problem && isExpiredToken(problem) && (
        <p className="banner error" role="alert" ref={summaryRef} tabIndex={-1}>
          Your session has ended, so we could not send your gift. <a href="/redeem">Enter your gift code again</a> to continue.
        </p>
      )}
      {general && (
        <p className="banner error" role="alert" ref={summaryRef} tabIndex={-1}>
          {general.detail ?? "Something went wrong. Please try again."}
        </p>
      )}
      {field("name", "shipping name")}
      {field("company", "shipping organization")}
      {select("country", "shipping country", countries, "Choose a country")}
      {field("line1", "shipping address-line1")}
      {field("line2", "shipping address-line2")}
      <div className="row">
        {field("city", "shipping address-level2")}
        {regions
          ? select("region", "shipping address-level1", regions.map(([code, name]) => ({ code, name })), `Choose a ${fieldLabel("region", a.country).toLowerCase()}`)
          : field("region", "shipping address-level1")}
        {field("postalCode", "shipping postal-code")}
      </div>
      {field("phone", "shipping tel", { type: "tel" })}
      <div className="actions">
        <button type="button" className="secondary" onClick={onBack} disabled={busy}>Back</button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? (
            <>
              <span className="spinner" aria-hidden="true" />
              Sending…
            </>
          ) : (
            "Confirm and send my gift"
          )}
        </button>
      </div>
    </form>
  );
}
