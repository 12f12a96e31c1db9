import { useEffect, useState, type FormEvent } from "react";
import { api, ApiProblem, money, type Schemas } from "./api.ts";
import { Status, useLoad } from "./useLoad.tsx";

type Values = Schemas["PayoutSettings"];
type Overrides = Schemas["VendorPayoutSettings"]["overrides"];
type Data = Schemas["FinancePayoutSettings"];
interface Form {
  commission: string;
  days: string;
  minimums: string;
  approval: "" | "yes" | "no";
}
type FieldErrors = Partial<Record<"commissionBps" | "settlementDays" | "minimumPayout" | "approvalRequired" | "form", string>>;

const pct = (bps: number) => String(bps / 100);
const minimumsText = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([c, v]) => `${c} ${(v / 100).toFixed(2)}`)
    .join(", ");
/** "USD 25.00, EUR 20" → { USD: 2500, EUR: 2000 }; what does not parse is sent as is for the api to name. */
function parseMinimums(text: string): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [code = "", amount = ""] = part.split(/\s+/);
    const n = Number(amount);
    out[code] = amount !== "" && Number.isFinite(n) ? Math.round(n * 100) : null;
  }
  return out;
}

function toBody(f: Form, brand: boolean): Record<string, unknown> {
  const num = (s: string, scale: number) => (s.trim() === "" ? null : Number.isFinite(Number(s)) ? Number(s) * scale : s);
  const body: Record<string, unknown> = {};
  const commission = num(f.commission, 100);
  const days = num(f.days, 1);
  if (brand || commission !== null) body.commissionBps = typeof commission === "number" ? Math.round(commission * 1e6) / 1e6 : commission;
  if (brand || days !== null) body.settlementDays = days;
  if (brand || f.minimums.trim() !== "") body.minimumPayout = f.minimums.trim() === "" ? (brand ? null : {}) : parseMinimums(f.minimums);
  if (f.approval !== "" || brand) body.approvalRequired = f.approval === "" ? null : f.approval === "yes";
  return body;
}

function errorsOf(e: unknown): FieldErrors {
  if (e instanceof ApiProblem && e.errors?.length) {
    const out: FieldErrors = {};
    for (const fe of e.errors) {
      const key = (fe.path.split(".")[0] || "form") as keyof FieldErrors;
      out[key] = out[key] ? `${out[key]}; ${fe.message}` : fe.message;
    }
    return out;
  }
  return { form: e instanceof Error ? e.message : String(e) };
}

function SettingsForm({ id, initial, brand, canWrite, save, inherited }: { id: string; initial: Form; brand: boolean; canWrite: boolean; save: (body: Record<string, unknown>) => Promise<void>; inherited?: Values | undefined }) {
  const [form, setForm] = useState<Form>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);
  // The values reloaded after a save come back as `initial`: "Saved." stays until an edit.
  useEffect(() => {
    setForm(initial);
    setErrors({});
  }, [initial]);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    try {
      await save(toBody(form, brand));
      setErrors({});
      setSaved(true);
    } catch (err) {
      setErrors(errorsOf(err));
    }
  }
  const hint = (text: string) => (brand && inherited ? `Empty: the platform's (${text}).` : "");
  const field = (key: keyof Form, name: keyof FieldErrors, label: string, help: string, extra: Record<string, string> = {}) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        value={form[key]}
        disabled={!canWrite}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={`${id}-${key}-help${errors[name] ? ` ${id}-${key}-err` : ""}`}
        onChange={(e) => {
          setSaved(false);
          setForm({ ...form, [key]: e.target.value });
        }}
        {...extra}
      />
      <span id={`${id}-${key}-help`} className="muted small">
        {help}
      </span>
      {errors[name] && (
        <span id={`${id}-${key}-err`} className="error small">
          {errors[name]}
        </span>
      )}
    </div>
  );
  return (
    <form className="mapping" onSubmit={(e) => void submit(e)} noValidate>
      {field("commission", "commissionBps", "Commission (% of the item price)", `${hint(inherited ? `${pct(inherited.commissionBps)}%` : "")} Up to two decimals.`, { inputMode: "decimal" })}
      {field("days", "settlementDays", "Settlement window (days after shipment)", `${hint(inherited ? `${inherited.settlementDays} days` : "")} 0 to 365.`, { inputMode: "numeric" })}
      {field("minimums", "minimumPayout", "Minimum payout per currency", `${hint(inherited ? minimumsText(inherited.minimumPayout) || "none" : "")} e.g. USD 25.00, EUR 20.00`)}
      <div className="field">
        <label htmlFor={`${id}-approval`}>Approval before transfers</label>
        <select id={`${id}-approval`} value={form.approval} disabled={!canWrite} onChange={(e) => {
            setSaved(false);
            setForm({ ...form, approval: e.target.value as Form["approval"] });
          }}>
          {brand && <option value="">Platform default ({inherited?.approvalRequired ? "required" : "not required"})</option>}
          <option value="yes">Required: runs make drafts</option>
          <option value="no">Not required: transfers start</option>
        </select>
        {errors.approvalRequired && <span className="error small">{errors.approvalRequired}</span>}
      </div>
      {canWrite && <button type="submit">Save</button>}
      <p role="status" className={errors.form ? "error" : "muted"}>
        {errors.form ?? (saved ? "Saved." : "")}
      </p>
    </form>
  );
}

const platformForm = (v: Values): Form => ({ commission: pct(v.commissionBps), days: String(v.settlementDays), minimums: minimumsText(v.minimumPayout), approval: v.approvalRequired ? "yes" : "no" });
const brandForm = (o: Overrides): Form => ({
  commission: o.commissionBps === null ? "" : pct(o.commissionBps),
  days: o.settlementDays === null ? "" : String(o.settlementDays),
  minimums: o.minimumPayout === null ? "" : minimumsText(o.minimumPayout),
  approval: o.approvalRequired === null ? "" : o.approvalRequired ? "yes" : "no",
});

export function PayoutSettings({ canWrite }: { canWrite: boolean }) {
  const { data, error, reload } = useLoad<Data>("/payout-settings");
  const [brandId, setBrandId] = useState("");
  const [initialPlatform, setInitialPlatform] = useState<Form | null>(null);
  useEffect(() => {
    if (data) setInitialPlatform(platformForm(data.platform));
    if (data && !brandId && data.brands[0]) setBrandId(data.brands[0].vendorId);
  }, [data, brandId]);
  const brand = data?.brands.find((b) => b.vendorId === brandId);
  const [initialBrand, setInitialBrand] = useState<Form | null>(null);
  useEffect(() => setInitialBrand(brand ? brandForm(brand.overrides) : null), [brand]);
  if (!data || !initialPlatform) return <Status error={error} />;
  return (
    <>
      <section aria-labelledby="ps-platform">
        <h2 id="ps-platform">Payouts: platform default</h2>
        <SettingsForm id="platform" initial={initialPlatform} brand={false} canWrite={canWrite} save={async (b) => void (await api("PATCH", "/payout-settings", b), reload())} />
      </section>
      <section aria-labelledby="ps-brand">
        <h2 id="ps-brand">Payouts: per brand</h2>
        {data.brands.length === 0 ? (
          <p className="muted">No brand yet.</p>
        ) : (
          <>
            <div className="inline">
              <label htmlFor="ps-brand-pick">Brand</label>
              <select id="ps-brand-pick" value={brandId} onChange={(e) => setBrandId(e.target.value)}>
                {data.brands.map((b) => (
                  <option key={b.vendorId} value={b.vendorId}>
                    {b.vendorName}
                  </option>
                ))}
              </select>
              {brand && (
                <span className="muted">
                  In effect: {pct(brand.effective.commissionBps)}% commission, {brand.effective.settlementDays} days, minimum{" "}
                  {Object.entries(brand.effective.minimumPayout)
                    .map(([c, v]) => money(v, c))
                    .join(", ") || "none"}
                  , approval {brand.effective.approvalRequired ? "required" : "not required"}
                </span>
              )}
            </div>
            {brand && initialBrand && (
              <SettingsForm
                key={brand.vendorId}
                id="brand"
                initial={initialBrand}
                brand
                canWrite={canWrite}
                inherited={data.platform}
                save={async (b) => void (await api("PATCH", `/payout-settings/brands/${brand.vendorId}`, b), reload())}
              />
            )}
          </>
        )}
      </section>
    </>
  );
}
