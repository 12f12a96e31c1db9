import { useEffect, useState, type FormEvent } from "react";
import { api, type Me, type Schemas } from "./api.ts";
import { Status, useLoad } from "./useLoad.tsx";

type View = Schemas["XeroConnectionView"];
type Mapping = NonNullable<View["mapping"]>;
type Options = Schemas["XeroMappingOptions"];

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

/** What the callback's `?error=` code means for the person who just came back from Xero. */
const CONNECT_ERRORS: Record<string, string> = {
  invalid_state: "This Xero sign-in could not be verified, so nothing was connected. Connect again from here.",
  state_used: "This Xero sign-in was already used. Connect again from here to start a new one.",
  state_expired: "The Xero sign-in took longer than 15 minutes, so nothing was connected. Connect again from here.",
  xero_consent_refused: "Xero did not grant access (access was not allowed on Xero's page), so nothing was connected.",
  xero_refused: "Xero refused the connection. Try again in a few minutes.",
  xero_not_configured: "This deployment has no Xero app (XERO_CLIENT_ID, XERO_CLIENT_SECRET).",
};

/** The `?error=` the Xero callback came back with, taken out of the address bar. */
function takeConnectError(): string | null {
  const params = new URLSearchParams(location.search);
  const code = params.get("error");
  if (!code) return null;
  params.delete("error");
  const rest = params.toString();
  history.replaceState(null, "", `${location.pathname}${rest ? `?${rest}` : ""}`);
  return CONNECT_ERRORS[code] ?? `Connecting Xero did not complete (${code}). Connect again from here.`;
}

/**
 * Xero's callback lands on this page with a full load: its error is read then, once, and
 * shown by the first Xero page rendered (not again after moving around the console).
 */
let pendingConnectError = location.pathname === "/finance/xero" ? takeConnectError() : null;

/** The organisations Xero connected, one to choose (its base currency must be the platform's). */
function OrganisationChoice({ view, onChosen }: { view: View; onChosen: () => void }) {
  const orgs = view.connections.filter((c) => c.tenantType === "ORGANISATION");
  const [chosen, setChosen] = useState(orgs[0]?.tenantId ?? "");
  const [error, setError] = useState<string | null>(null);
  async function choose(e: FormEvent) {
    e.preventDefault();
    try {
      await api("PUT", "/xero/organisation", { tenantId: chosen });
      onChosen();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }
  if (!orgs.length) return <p className="muted">Xero connected no organisation: connect again and tick one on Xero&apos;s page.</p>;
  return (
    <form onSubmit={choose} className="choose-organisation">
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <fieldset>
        <legend>Xero connected several organisations: which one keeps the platform&apos;s books?</legend>
        {orgs.map((o) => (
          <label key={o.tenantId}>
            <input type="radio" name="organisation" value={o.tenantId} checked={chosen === o.tenantId} onChange={() => setChosen(o.tenantId)} /> {o.tenantName ?? o.tenantId}
          </label>
        ))}
      </fieldset>
      <button type="submit">Use this organisation</button>
    </form>
  );
}

export function XeroPage({ role }: { role: Me["role"] }) {
  const { data, error, reload } = useLoad<View>("/xero");
  const [options, setOptions] = useState<Options | null>(null);
  const [form, setForm] = useState<Mapping | null>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const [connectError] = useState(() => pendingConnectError);
  useEffect(() => {
    pendingConnectError = null;
  }, []);
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
        {connectError && (
          <p role="alert" className="error">
            {connectError}
          </p>
        )}
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <span className={`badge badge-${data.status}`}>{STATUS[data.status] ?? data.status}</span>
            {data.reauthReason && <span className="muted"> {data.reauthReason}</span>}
          </dd>
          <dt>Organisation</dt>
          <dd>
            {data.status === "choose_organisation"
              ? "Not chosen yet"
              : data.organisation
                ? `${data.organisation.name ?? ""} (${data.organisation.baseCurrency ?? ""})`
                : "—"}
          </dd>
          <dt>Token refreshed</dt>
          <dd>{data.refreshedAt ? data.refreshedAt.slice(0, 16).replace("T", " ") : "—"}</dd>
        </dl>
        {data.status === "choose_organisation" && role === "admin" && <OrganisationChoice view={data} onChosen={reload} />}
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
