import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, asProblem, money, type Order, type Problem } from "../api/client.ts";
import { Notice } from "../ui.tsx";

type Checkout = { paymentIntentId: string; clientSecret: string; amount: number; currency: string; sandbox?: unknown };

/**
 * Paying an order. Sandbox mode (the Stripe stand-in; Stripe.js cannot load): a first-party
 * card form for Stripe's test cards, confirmed on the server, marked "Sandbox: no charge".
 * Live mode: Stripe's Payment Element bound to the order's PaymentIntent (card numbers never
 * touch this page), 3-D Secure handled by Stripe, back to this page by `return_url`. Either
 * way the order becomes paid only when Stripe's webhook says so.
 */
export function PayPanel({ order, onPaid }: { order: Order; onPaid(): void }) {
  const [checkout, setCheckout] = useState<Checkout | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    void api.POST("/v1/orders/{id}/checkout", { params: { path: { id: order.id } } }).then((r) => {
      if (r.data) setCheckout(r.data as Checkout);
      else setProblem(asProblem(r.error, r.response));
    });
  }, [order.id]);
  return (
    <section className="panel pay" aria-labelledby="pay-h">
      <h2 id="pay-h">Pay {money(order.totalAmount, order.currency)}</h2>
      <Notice problem={problem} />
      {!checkout ? (
        problem ? null : <p role="status">Preparing the payment…</p>
      ) : checkout.sandbox ? (
        <SandboxCardForm order={order} onPaid={onPaid} />
      ) : (
        <PaymentElement order={order} clientSecret={checkout.clientSecret} />
      )}
    </section>
  );
}

const TEST_CARDS: Array<[string, string]> = [
  ["4242 4242 4242 4242", "pays"],
  ["4000 0000 0000 0002", "is declined"],
  ["4000 0000 0000 3220", "asks for 3-D Secure"],
];

function SandboxCardForm({ order, onPaid }: { order: Order; onPaid(): void }) {
  const [number, setNumber] = useState("");
  const [expiry, setExpiry] = useState("12 / 34");
  const [cvc, setCvc] = useState("123");
  const [expected, setExpected] = useState(order.totalAmount);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  async function pay(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    const m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(expiry);
    if (!m) {
      setProblem({ status: 0, code: "expiry", detail: "Give the expiry as MM / YY." });
      return;
    }
    setBusy(true);
    const year = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
    const r = await api.POST("/v1/buyer/orders/{id}/sandbox-payment", {
      params: { path: { id: order.id } },
      body: { number: number.replace(/[^0-9]/g, ""), expMonth: Number(m[1]), expYear: year, cvc, expectedAmount: expected },
    });
    setBusy(false);
    if (!r.data) {
      const p = asProblem(r.error, r.response);
      if (p.code === "amount_changed" && typeof p.amount === "number") setExpected(p.amount);
      setProblem(p);
      return;
    }
    if (r.data.status === "requires_action" && r.data.challengeUrl) window.location.assign(r.data.challengeUrl);
    else if (r.data.status === "declined") setProblem({ status: 402, code: r.data.code ?? "declined", detail: `${r.data.message ?? "The card was declined."} Nothing was charged; try another card.` });
    else onPaid();
  }

  return (
    <form onSubmit={pay} className="card-form">
      <p className="sandbox-badge" role="note"><strong>Sandbox: no charge.</strong> Use Stripe's test cards:</p>
      <ul className="test-cards">
        {TEST_CARDS.map(([n, what]) => (
          <li key={n}><button type="button" className="link" onClick={() => setNumber(n)}>{n}</button> {what}</li>
        ))}
      </ul>
      <label htmlFor="cc-number">Card number</label>
      <input id="cc-number" inputMode="numeric" autoComplete="off" required value={number} onChange={(e) => setNumber(e.target.value)} />
      <div className="two">
        <div>
          <label htmlFor="cc-exp">Expiry (MM / YY)</label>
          <input id="cc-exp" inputMode="numeric" autoComplete="off" required value={expiry} onChange={(e) => setExpiry(e.target.value)} />
        </div>
        <div>
          <label htmlFor="cc-cvc">CVC</label>
          <input id="cc-cvc" inputMode="numeric" autoComplete="off" required value={cvc} onChange={(e) => setCvc(e.target.value)} />
        </div>
      </div>
      <Notice problem={problem} />
      <button className="btn" type="submit" disabled={busy}>Pay {money(expected, order.currency)}</button>
    </form>
  );
}

interface StripeLike {
  elements(o: { clientSecret: string }): { create(kind: "payment"): { mount(el: HTMLElement): void } };
  confirmPayment(o: { elements: unknown; confirmParams: { return_url: string } }): Promise<{ error?: { message?: string } }>;
}
declare global {
  interface Window {
    Stripe?: (key: string) => StripeLike;
  }
}

/** Live mode: Stripe's Payment Element, loaded from js.stripe.com (the only origin the page's CSP adds in live mode). */
function PaymentElement({ order, clientSecret }: { order: Order; clientSecret: string }) {
  const mount = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState<{ stripe: StripeLike; elements: unknown } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const key = document.querySelector<HTMLMetaElement>('meta[name="stripe-publishable-key"]')?.content;
    if (!key) {
      setProblem("Card payments are not set up on this site (no Stripe publishable key).");
      return;
    }
    const start = () => {
      const stripe = window.Stripe!(key);
      const elements = stripe.elements({ clientSecret });
      elements.create("payment").mount(mount.current!);
      setReady({ stripe, elements });
    };
    if (window.Stripe) return start();
    const s = document.createElement("script");
    s.src = "https://js.stripe.com/v3/";
    s.onload = start;
    s.onerror = () => setProblem("Stripe's payment form could not load. Check your connection and reload.");
    document.head.appendChild(s);
  }, [clientSecret]);
  async function pay(e: FormEvent) {
    e.preventDefault();
    if (!ready) return;
    const r = await ready.stripe.confirmPayment({ elements: ready.elements, confirmParams: { return_url: `${window.location.origin}/buy/orders/${order.id}` } });
    if (r.error) setProblem(r.error.message ?? "The payment did not go through.");
  }
  return (
    <form onSubmit={pay}>
      <div ref={mount} />
      <Notice problem={problem} />
      <button className="btn" type="submit" disabled={!ready}>Pay {money(order.totalAmount, order.currency)}</button>
    </form>
  );
}
