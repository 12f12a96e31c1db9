import { useState } from "react";
import { api, ApiProblem, money, type Schemas } from "./api.ts";
import { Status, useLoad } from "./useLoad.tsx";
import { Table } from "./Table.tsx";

type RunResult = Schemas["PayoutRunResult"];
type Queues = Schemas["FinancePayoutQueues"];
type Item = Queues["drafts"][number];

const REASONS: Record<string, string> = { account_not_active: "Stripe account not active", minimum_not_met: "Under the minimum payout", negative_balance: "Negative balance" };

function Plan({ result, caption }: { result: RunResult; caption: string }) {
  return (
    <>
      <Table
        caption={`${caption}: who gets paid`}
        columns={["Brand", "Units", "Commission", "Payout", "Then"]}
        rows={result.payouts}
        rowKey={(p, i) => p.payoutId ?? i}
        cells={(p) => [p.vendorName, p.lineCount, money(p.commissionAmount, p.currency), money(p.amount, p.currency), p.status === "draft" ? "Waits for approval" : "Transfers start"]}
        empty="Nobody would be paid."
      />
      <h3>Carried over</h3>
      {result.carriedOver.length === 0 ? (
        <p className="muted">Nothing carries over.</p>
      ) : (
        <Table
          caption={`${caption}: who carries over`}
          columns={["Brand", "Units", "Amount", "Why"]}
          rows={result.carriedOver}
          rowKey={(_, i) => i}
          cells={(c) => [
            c.vendorName,
            c.unitCount,
            money(c.amountMinor, c.currency),
            <>
              <span className="badge badge-pending">{REASONS[c.reason] ?? c.reason}</span> <span className="muted">{c.detail}</span>
            </>,
          ]}
        />
      )}
    </>
  );
}

export function PayoutRuns({ canWrite }: { canWrite: boolean }) {
  const preview = useLoad<RunResult>("/payout-runs/preview");
  const list = useLoad<Queues>("/payout-runs/payouts");
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [ran, setRan] = useState<RunResult | null>(null);
  async function act(what: () => Promise<string>) {
    setBusy(true);
    try {
      setNotice({ text: await what(), error: false });
    } catch (e) {
      const text = e instanceof ApiProblem && e.code === "run_in_progress" ? "Another payout run is under way. Try again when it has finished." : e instanceof Error ? e.message : String(e);
      setNotice({ text, error: true });
    } finally {
      setBusy(false);
      preview.reload();
      list.reload();
    }
  }
  const runNow = () =>
    act(async () => {
      const r = await api<RunResult>("POST", "/payout-runs");
      setRan(r);
      return `Run done: ${r.payouts.length} payout(s), ${r.carriedOver.length} carried over.`;
    });
  const change = (p: Item, verb: "approve" | "retry") =>
    act(async () => {
      await api("POST", `/payout-runs/payouts/${p.id}/${verb}`, { version: p.version });
      return `${p.vendorName}: ${verb === "approve" ? "approved, transfers start" : "retrying the transfers"}.`;
    });
  return (
    <>
      {notice && (
        <p className={notice.error ? "notice error" : "notice"} role={notice.error ? "alert" : "status"}>
          {notice.text}
        </p>
      )}
      <section aria-labelledby="pr-preview">
        <div className="toolbar">
          <h2 id="pr-preview">Next run (preview)</h2>
          {canWrite && (
            <button type="button" disabled={busy} onClick={() => void runNow()}>
              Run payouts now
            </button>
          )}
        </div>
        {preview.data ? <Plan result={preview.data} caption="Preview" /> : <Status error={preview.error} />}
      </section>
      {ran && (
        <section aria-labelledby="pr-ran">
          <h2 id="pr-ran">Last run from here</h2>
          <Plan result={ran} caption="Last run" />
        </section>
      )}
      {list.data ? (
        <>
          <Queue title="Drafts waiting for approval" id="pr-drafts" items={list.data.drafts} empty="No draft waits for approval." action={canWrite ? { label: "Approve", run: (p) => void change(p, "approve") } : undefined} busy={busy} />
          <Queue title="Failed or needing attention" id="pr-failed" items={list.data.failed} empty="No failed payout." action={canWrite ? { label: "Retry", run: (p) => void change(p, "retry") } : undefined} busy={busy} />
          <Queue title="Recent payouts" id="pr-recent" items={list.data.recent} empty="No payout yet." busy={busy} />
        </>
      ) : (
        <Status error={list.error} />
      )}
    </>
  );
}

function Queue({ title, id, items, empty, action, busy }: { title: string; id: string; items: Item[]; empty: string; action?: { label: string; run: (p: Item) => void } | undefined; busy: boolean }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {items.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <Table
          caption={title}
          columns={["Created", "Brand", "Units", "Amount", "Status", action ? "Action" : false]}
          rows={items}
          rowKey={(p) => p.id}
          cells={(p) => [
            p.createdAt.slice(0, 16).replace("T", " "),
            p.vendorName,
            p.lineCount,
            money(p.amountMinor, p.currency),
            <>
              <span className={`badge badge-${p.status}`}>{p.status.replace("_", " ")}</span>
              {p.failureReason && <span className="muted"> {p.failureReason}</span>}
            </>,
            action && (
              <button type="button" disabled={busy} onClick={() => action.run(p)} aria-label={`${action.label} ${p.vendorName} ${money(p.amountMinor, p.currency)}`}>
                {action.label}
              </button>
            ),
          ]}
        />
      )}
    </section>
  );
}
