import { useEffect, useState, type FormEvent } from "react";
import { api, type Me } from "./api.ts";
import { Status, useLoad } from "./useLoad.tsx";

interface Mapping {
  billsAccountCode: string;
  taxType: string;
  trackingCategory: string;
  clearingAccountCode: string;
  salesAccountCode: string;
  feesAccountCode: string;
}
interface View {
  configured: boolean;
  status: string;
  organisation: { tenantId: string; name: string | null; baseCurrency: string | null } | null;
  mapping: Mapping | null;
  reauthReason: string | null;
  refreshedAt: string | null;
  bookings: Record<string, number>;
}
interface Options {
  accounts: Array<{ code: string; name: string; type: string; status: string; isBank: boolean }>;
  taxRates: Array<{ taxType: string; name: string; status: string }>;
  trackingCategories: Array<{ name: string; status: string }>;
}

const FIELDS: Array<{ key: keyof Mapping; label: string; kind: "account" | "bank" | "tax" | "tracking" }> = [
  { key: "billsAccountCode", label: "Brand bills account", kind: "account" },
  { key: "taxType", label: "Tax type of bill lines", kind: "tax" },
  { key: "trackingCategory", label: "Brand tracking category", kind: "tracking" },
  { key: "clearingAccountCode", label: "Stripe clearing bank account", kind: "bank" },
  { key: "salesAccountCode", label: "Sales account", kind: "account" },
  { key: "feesAccountCode", label: "Stripe fees account", kind: "account" },
];

const STATUS: Record<string, string> = {
  connected: "Connected",
  needs_reauth: "Needs to be connected again",
  choose_organisation: "Choose the organisation",
  disconnected: "Disconnected",
  not_connected: "Not connected",
};

export function XeroPage({ role }: { role: Me["role"] }) {
  const { data, error, reload } = useLoad<View>("/xero");
  const [options, setOptions] = useState<Options | null>(null);
  const [form, setForm] = useState<Mapping | null>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => {
    if (data?.status === "connected") void api<Options>("GET", "/xero/options").then(setOptions).catch(() => setOptions(null));
    if (data) setForm(data.mapping ?? { billsAccountCode: "", taxType: "", trackingCategory: "", clearingAccountCode: "", salesAccountCode: "", feesAccountCode: "" });
  }, [data]);
  if (!data || !form) return <Status error={error} />;
  const connect = async () => {
    const r = await api<{ consentUrl: string }>("POST", "/xero/connect");
    location.assign(r.consentUrl);
  };
  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      await api("PUT", "/xero/mapping", form);
      setNotice({ text: "Mapping saved; parked bookings resume.", error: false });
      reload();
    } catch (err) {
      setNotice({ text: err instanceof Error ? err.message : String(err), error: true });
    }
  }
  const choices = (kind: (typeof FIELDS)[number]["kind"]) => {
    if (!options) return [];
    if (kind === "tax") return options.taxRates.filter((t) => t.status === "ACTIVE").map((t) => ({ value: t.taxType, label: `${t.name} (${t.taxType})` }));
    if (kind === "tracking") return options.trackingCategories.filter((t) => t.status === "ACTIVE").map((t) => ({ value: t.name, label: t.name }));
    return options.accounts.filter((a) => a.status === "ACTIVE" && (kind === "bank" ? a.isBank : !a.isBank)).map((a) => ({ value: a.code, label: `${a.code} ${a.name}` }));
  };
  const canMap = role !== "support";
  return (
    <>
      <section aria-labelledby="conn-title">
        <h2 id="conn-title">Connection</h2>
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <span className={`badge badge-${data.status}`}>{STATUS[data.status] ?? data.status}</span>
            {data.reauthReason && <span className="muted"> {data.reauthReason}</span>}
          </dd>
          <dt>Organisation</dt>
          <dd>{data.organisation ? `${data.organisation.name ?? ""} (${data.organisation.baseCurrency ?? ""})` : "—"}</dd>
          <dt>Token refreshed</dt>
          <dd>{data.refreshedAt ? data.refreshedAt.slice(0, 16).replace("T", " ") : "—"}</dd>
        </dl>
        {!data.configured && <p className="muted">This deployment has no Xero app (XERO_CLIENT_ID, XERO_CLIENT_SECRET).</p>}
        {data.configured && role === "admin" && (
          <button type="button" onClick={() => void connect()}>
            {data.status === "connected" ? "Connect again" : "Connect Xero"}
          </button>
        )}
      </section>
      {data.status === "connected" && (
        <section aria-labelledby="map-title">
          <h2 id="map-title">Account mapping</h2>
          {notice && (
            <p role={notice.error ? "alert" : "status"} className={notice.error ? "error" : "notice"}>
              {notice.text}
            </p>
          )}
          <form onSubmit={save} className="mapping">
            {FIELDS.map((f) => (
              <div className="field" key={f.key}>
                <label htmlFor={f.key}>{f.label}</label>
                <select id={f.key} value={form[f.key]} disabled={!canMap} onChange={(e) => setForm({ ...form, [f.key]: e.target.value })} required>
                  <option value="">Choose…</option>
                  {choices(f.kind).map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.label}
                    </option>
                  ))}
                  {form[f.key] && !choices(f.kind).some((c) => c.value === form[f.key]) && <option value={form[f.key]}>{form[f.key]}</option>}
                </select>
              </div>
            ))}
            {canMap && <button type="submit">Save mapping</button>}
          </form>
        </section>
      )}
    </>
  );
}
