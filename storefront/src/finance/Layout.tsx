import { api, type Me } from "./api.ts";
import { Overview } from "./Overview.tsx";
import { Payouts } from "./Payouts.tsx";
import { PayoutRuns } from "./PayoutRuns.tsx";
import { Exceptions } from "./Exceptions.tsx";
import { Reconciliation } from "./Reconciliation.tsx";
import { XeroPage } from "./XeroPage.tsx";
import { Settings } from "./Settings.tsx";

export const PAGES = [
  { key: "", title: "Overview" },
  { key: "payout-runs", title: "Payout runs" },
  { key: "payouts", title: "Payouts" },
  { key: "exceptions", title: "Exceptions" },
  { key: "reconciliation", title: "Reconciliation" },
  { key: "xero", title: "Xero" },
  { key: "settings", title: "Settings" },
] as const;
export type PageKey = (typeof PAGES)[number]["key"];

export function Layout({ me, page, go, onSignedOut }: { me: Me; page: PageKey; go: (k: PageKey) => void; onSignedOut: () => void }) {
  const title = PAGES.find((p) => p.key === page)?.title ?? "Overview";
  const canWrite = me.role !== "support";
  return (
    <div className="shell">
      <header className="top">
        <span className="brand">Giftloop finance</span>
        <span className="who">
          {me.name} · {me.role}
          <button
            type="button"
            className="link"
            onClick={() => void api("POST", "/session/logout").then(onSignedOut)}
          >
            Sign out
          </button>
        </span>
      </header>
      <nav aria-label="Console">
        <ul>
          {PAGES.map((p) => (
            <li key={p.key}>
              <a
                href={`/finance${p.key ? `/${p.key}` : ""}`}
                aria-current={p.key === page ? "page" : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  go(p.key);
                }}
              >
                {p.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main>
        <h1>{title}</h1>
        {page === "" && <Overview />}
        {page === "payout-runs" && <PayoutRuns canWrite={canWrite} />}
        {page === "payouts" && <Payouts />}
        {page === "exceptions" && <Exceptions canWrite={canWrite} />}
        {page === "reconciliation" && <Reconciliation canWrite={canWrite} />}
        {page === "xero" && <XeroPage role={me.role} />}
        {page === "settings" && <Settings canWrite={canWrite} />}
      </main>
    </div>
  );
}
