import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent, type ReactNode, type RefObject } from "react";
import {
  ADDRESS_FIELDS,
  fieldLabel,
  fieldMessage,
  isRequired,
  MAX_LENGTH,
  postalRegionError,
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
  /** The form's heading, its submit button and its back button (default: the redemption's). */
  heading?: string;
  submitLabel?: string;
  busyLabel?: string;
  backLabel?: string;
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

/** The postal code's agreement with the region, shown on the field (`show`: a new problem may appear). */
function withRegionCheck(e: Errors, draft: AddressDraft, show: boolean): Errors {
  const mismatch = postalRegionError(draft);
  const rest = { ...e };
  if (rest.postalCode?.code === "postal_code_not_in_region") delete rest.postalCode;
  if (mismatch && !rest.postalCode && (show || e.postalCode?.code === "postal_code_not_in_region")) rest.postalCode = mismatch;
  return rest;
}

/**
 * The errors the form shows: per field, and those of the server's answer that belong to no
 * field. A new answer from the server replaces them; after a failed submit the error summary
 * (or the one problem without a field) takes focus and comes into view.
 */
function useFormErrors(problem: Problem | null, onErrorCount: ((n: number) => void) | undefined) {
  const summaryRef = useRef<HTMLDivElement & HTMLParagraphElement>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  const [showSummary, setShowSummary] = useState(0);

  useEffect(() => {
    if (!problem) return;
    const { fields, other } = fromServer(problem);
    setErrors(fields);
    setOtherErrors(other);
    setShowSummary((n) => n + 1);
  }, [problem]);

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

  return { summaryRef, errors, setErrors, otherErrors, setOtherErrors, shown, focusSummary: () => setShowSummary((n) => n + 1) };
}

/** Where to send the gift; only countries the brand ships to are offered. */
export function AddressForm({
  headingId,
  value: a,
  onChange,
  shipsTo,
  busy,
  problem,
  onSubmit,
  onBack,
  onErrorCount,
  heading = "Where should we send it?",
  submitLabel = "Review my gift",
  busyLabel = "Sending…",
  backLabel = "Back",
}: AddressFormProps) {
  const countries = countryOptions(shipsTo === "anywhere" ? ISO_COUNTRIES : shipsTo);
  const id = useId();
  const fieldId = (f: AddressField) => `${id}-${f}`;
  const { summaryRef, errors, setErrors, otherErrors, setOtherErrors, shown, focusSummary } = useFormErrors(problem, onErrorCount);

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
    // A new region (or country) is checked against the postal code at once; a corrected
    // postal code loses its error as soon as it fits.
    if (field === "region" || field === "country" || (field === "postalCode" && errors.postalCode?.code === "postal_code_not_in_region")) {
      setErrors((e) => withRegionCheck(e, next, field !== "postalCode"));
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const found = validateAddress(a);
    setErrors(found);
    setOtherErrors([]);
    if (Object.keys(found).length > 0) {
      focusSummary();
      return;
    }
    onSubmit(Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, a[f].trim()])) as unknown as AddressDraft);
  }

  const message = (f: AddressField) =>
    errors[f] ? fieldMessage(f, { draft: { postalCode: a.postalCode, region: a.region }, ...errors[f]! }, a.country, { onlyCountry: countries.length === 1 }) : undefined;
  /** What every field's control needs: its id, value, error and how it changes. */
  const control = (f: AddressField, autoComplete: string): FieldProps => ({ field: f, inputId: fieldId(f), country: a.country, value: a[f], error: message(f), autoComplete, onChange: (v) => set(f, v) });

  const regions = REGIONS[a.country];
  const general = problem && !isExpiredToken(problem) && Object.keys(fromServer(problem).fields).length === 0 && otherErrors.length === 0 ? problem : null;
  return (
    <form className="address" onSubmit={submit} aria-labelledby={headingId} noValidate>
      <h2 id={headingId} tabIndex={-1}>{heading}</h2>
      {shown.length + otherErrors.length > 0 && (
        <ErrorSummary id={`${id}-summary`} focusRef={summaryRef} fields={shown.map((f) => ({ inputId: fieldId(f), message: message(f) }))} otherErrors={otherErrors} />
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
      <TextInput {...control("name", "shipping name")} />
      <TextInput {...control("company", "shipping organization")} />
      <SelectInput {...control("country", "shipping country")} options={countries} placeholder="Choose a country" />
      <TextInput {...control("line1", "shipping address-line1")} />
      <TextInput {...control("line2", "shipping address-line2")} />
      <div className="row">
        <TextInput {...control("city", "shipping address-level2")} />
        {regions ? (
          <SelectInput
            {...control("region", "shipping address-level1")}
            options={regions.map(([code, name]) => ({ code, name }))}
            placeholder={`Choose a ${fieldLabel("region", a.country).toLowerCase()}`}
          />
        ) : (
          <TextInput {...control("region", "shipping address-level1")} />
        )}
        <TextInput {...control("postalCode", "shipping postal-code")} onBlur={() => setErrors((e) => withRegionCheck(e, a, true))} />
      </div>
      <TextInput {...control("phone", "shipping tel")} type="tel" />
      <div className="actions">
        <button type="button" className="secondary" onClick={onBack} disabled={busy}>{backLabel}</button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? (
            <>
              <span className="spinner" aria-hidden="true" />
              {busyLabel}
            </>
          ) : (
            submitLabel
          )}
        </button>
      </div>
    </form>
  );
}

/** The errors to check before the form can be sent: each field's links to it. */
function ErrorSummary({
  id,
  focusRef,
  fields,
  otherErrors,
}: {
  id: string;
  focusRef: RefObject<HTMLDivElement & HTMLParagraphElement>;
  fields: Array<{ inputId: string; message: string | undefined }>;
  otherErrors: string[];
}) {
  const count = fields.length + otherErrors.length;
  return (
    <div className="error-summary" ref={focusRef} tabIndex={-1} aria-labelledby={id}>
      <h3 id={id}>{count === 1 ? "Check this before we ship:" : `Check these ${count} things before we ship:`}</h3>
      <ul>
        {fields.map(({ inputId, message }) => (
          <li key={inputId}>
            <a
              href={`#${inputId}`}
              onClick={(e) => {
                e.preventDefault();
                const el = document.getElementById(inputId);
                el?.focus({ preventScroll: true });
                el?.closest(".field")?.scrollIntoView({ block: "center" });
              }}
            >
              {message}
            </a>
          </li>
        ))}
        {otherErrors.map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  field: AddressField;
  inputId: string;
  /** The address's country: labels and which fields are required depend on it. */
  country: string;
  value: string;
  /** The field's error, worded; undefined while it has none. */
  error: string | undefined;
  autoComplete: string;
  onChange: (value: string) => void;
}

/** The attributes that tie a control to its error. */
const invalid = ({ inputId, error }: FieldProps) => (error !== undefined ? { "aria-invalid": true as const, "aria-describedby": `${inputId}-err` } : {});

/** A field's label (with "(optional)"), its error, then its control. */
function FieldFrame({ field, inputId, country, error, children }: FieldProps & { children: ReactNode }) {
  return (
    <div className={`field field-${field}`}>
      <label htmlFor={inputId}>
        {fieldLabel(field, country)}
        {isRequired(field, country) ? null : <span className="optional"> (optional)</span>}
      </label>
      {error !== undefined ? (
        <p className="field-error" id={`${inputId}-err`}>
          <span className="sr-only">Error: </span>
          {error}
        </p>
      ) : null}
      {children}
    </div>
  );
}

function TextInput(props: FieldProps & { type?: string; onBlur?: () => void }) {
  const { field, inputId, country, value, autoComplete, onChange, type, onBlur } = props;
  return (
    <FieldFrame {...props}>
      <input
        id={inputId}
        name={field}
        type={type ?? "text"}
        autoComplete={autoComplete}
        required={isRequired(field, country)}
        maxLength={MAX_LENGTH[field]}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...(onBlur ? { onBlur } : {})}
        {...invalid(props)}
      />
    </FieldFrame>
  );
}

function SelectInput(props: FieldProps & { options: Array<{ code: string; name: string }>; placeholder: string }) {
  const { field, inputId, country, value, autoComplete, onChange, options, placeholder } = props;
  return (
    <FieldFrame {...props}>
      <select id={inputId} name={field} autoComplete={autoComplete} required={isRequired(field, country)} value={value} onChange={(e) => onChange(e.target.value)} {...invalid(props)}>
        <option value="">{placeholder}</option>
        {options.map((o) => (
          <option key={o.code} value={o.code}>{o.name}</option>
        ))}
      </select>
    </FieldFrame>
  );
}
