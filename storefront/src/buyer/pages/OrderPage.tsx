import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, asProblem, download, money, type Order, type Problem } from "../api/client.ts";
import { useSession } from "../session.tsx";
import { Notice, ProblemView } from "../ui.tsx";
import { PayPanel } from "./PayPanel.tsx";
import { RecipientTable } from "./RecipientTable.tsx";

type Recipient = Order["recipients"][number];
const PAGE = 1000;

type Loaded = { order?: Order; recipients?: Recipient[]; problem?: Problem; complete?: boolean };

/**
 * Every recipient of the order, page by page (10,000 rows are 10 requests): the first page
 * is shown at once, the others are added as they arrive.
 */
async function loadOrder(id: string, show: (s: Loaded) => void, live: () => boolean): Promise<void> {
  const all: Recipient[] = [];
  let afterRow = 0;
  let first: Order | undefined;
  for (;;) {
    const r = await api.GET("/v1/orders/{id}", { params: { path: { id }, query: { afterRow, limit: afterRow === 0 ? 100 : PAGE } } });
    if (!live()) return;
    if (!r.data) return show({ problem: asProblem(r.error, r.response) });
    first ??= r.data;
    all.push(...r.data.recipients);
    const complete = r.data.nextAfterRow === null;
    show({ order: first, recipients: [...all], complete });
    if (complete) return;
    afterRow = r.data.nextAfterRow!;
  }
}

const STATUS_WORDS: Record<string, string> = {
  awaiting_payment: "Awaiting payment",
  payment_failed: "Payment failed",
  paid: "Paid",
  canceled: "Canceled",
  refunded: "Refunded",
  charged_back: "Charged back",
};

/** Following an order: payment, counts by status, every recipient, and what can be done to a gift. */
export default function OrderPage({ id }: { id: string }) {
  const { can } = useSession();
  const [state, setState] = useState<Loaded | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionProblem, setActionProblem] = useState<Problem | null>(null);
  const generation = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    await loadOrder(id, setState, () => generation.current === mine);
  }, [id]);
  useEffect(() => {
    void reload();
  }, [reload]);

  // Waiting for Stripe's webhook after a payment: the order becomes paid on its own.
  const [waitingForPayment, setWaiting] = useState(() => new URLSearchParams(window.location.search).get("redirect_status") === "succeeded");
  useEffect(() => {
    if (!waitingForPayment) return;
    if (state?.order?.status === "paid") {
      setWaiting(false);
      setNotice("Payment received: your gifts are on their way.");
      return;
    }
    const t = setTimeout(() => void reload(), 1000);
    return () => clearTimeout(t);
  }, [waitingForPayment, state, reload]);

  const returned = useMemo(() => new URLSearchParams(window.location.search).get("redirect_status"), []);
  useEffect(() => {
    if (returned === "failed") setActionProblem({ status: 402, code: "authentication_failed", detail: "Your bank's authentication (3-D Secure) did not pass, so nothing was charged. Try again or use another card." });
    if (returned) window.history.replaceState(null, "", `/buy/orders/${id}`);
  }, [returned, id]);

  if (state?.problem) return <ProblemView problem={state.problem} title={state.problem.status === 404 ? "Order not found" : undefined} />;
  if (!state?.order || !state.recipients) return <p role="status">Loading the order…</p>;
  const { order, recipients } = state;
  const payable = order.status === "awaiting_payment" || order.status === "payment_failed";

  async function cancelGift(r: Recipient) {
    if (!r.unit) return;
    if (!window.confirm(`Cancel ${r.name}'s gift? Its share is refunded to your card.`)) return;
    setActionProblem(null);
    const res = await api.POST("/v1/orders/{id}/units/{unitId}/cancel", { params: { path: { id, unitId: r.unit.id } } });
    if (res.data) {
      setNotice(`${r.name}'s gift is canceled: ${money(res.data.refund.amount, res.data.refund.currency)} is being refunded.`);
      await reload();
    } else setActionProblem(asProblem(res.error, res.response));
  }

  async function resend(r: Recipient) {
    if (!r.unit) return;
    setActionProblem(null);
    const res = await api.POST("/v1/buyer/orders/{id}/units/{unitId}/resend", { params: { path: { id, unitId: r.unit.id } } });
    if (res.data) setNotice(`${r.name}'s gift email is being sent again to ${res.data.email}.`);
    else setActionProblem(asProblem(res.error, res.response));
  }

  async function changeEmail(r: Recipient) {
    if (!r.unit) return;
    const email = window.prompt(`New email for ${r.name} (the gift's link stays the same):`, r.email);
    if (!email || email.trim().toLowerCase() === r.email) return;
    setActionProblem(null);
    const res = await api.POST("/v1/buyer/orders/{id}/units/{unitId}/email", { params: { path: { id, unitId: r.unit.id } }, body: { email } });
    if (res.data) {
      setNotice(res.data.status === "sent" ? `${r.name}'s gift was emailed again to ${res.data.email}.` : `${r.name}'s gift will go to ${res.data.email}.`);
      await reload();
    } else setActionProblem(asProblem(res.error, res.response));
  }

  return (
    <div className="order">
      <h1>Order {order.buyerReference ?? order.id.slice(0, 8)}</h1>
      <p className="status-line">
        <span className={`pill ${order.status}`}>{STATUS_WORDS[order.status] ?? order.status}</span> {order.recipientCount.toLocaleString()} recipients · {money(order.totalAmount, order.currency)}
        {order.refundedAmount ? <> · refunded {money(order.refundedAmount, order.currency)}</> : null}
        {order.disputed ? <> · <strong>payment disputed: gifts on hold</strong></> : null}
      </p>
      <Notice problem={notice} kind="ok" />
      <Notice problem={actionProblem} />
      {waitingForPayment ? <p role="status">Payment confirmed. Waiting for Stripe to tell us it is settled…</p> : null}
      {payable && !waitingForPayment ? (
        can("orders.pay") ? (
          <PayPanel order={order} onPaid={() => { setWaiting(true); setNotice(null); }} />
        ) : (
          <p className="notice warn" role="status">This order waits for payment by someone on your team with the finance, admin or owner role.</p>
        )
      ) : null}
      {Object.keys(order.units).length ? (
        <ul className="counts" aria-label="Gifts by status">
          {Object.entries(order.units).map(([s, n]) => (
            <li key={s}><b>{n.toLocaleString()}</b> {s}</li>
          ))}
        </ul>
      ) : null}
      <p className="actions">
        {order.status !== "awaiting_payment" ? (
          <button type="button" className="btn secondary" onClick={async () => setActionProblem(await download(`/v1/orders/${id}/gift-links.csv`, `gift-links-${id.slice(0, 8)}.csv`))}>Download gift links (CSV)</button>
        ) : null}{" "}
        {can("receipts.read") && order.paidAt ? (
          <button type="button" className="btn secondary" onClick={async () => setActionProblem(await download(`/v1/buyer/orders/${id}/receipt`, `receipt-${id.slice(0, 8)}.pdf`))}>Download receipt (PDF)</button>
        ) : null}
      </p>
      {state.complete ? null : <p role="status" className="muted">Loading recipients… {recipients.length.toLocaleString()} of {order.recipientCount.toLocaleString()}</p>}
      <RecipientTable recipients={recipients} canCancel={can("orders.manage") && order.status === "paid" && !order.disputed} onCancel={cancelGift} onResend={resend} onChangeEmail={changeEmail} />
    </div>
  );
}
