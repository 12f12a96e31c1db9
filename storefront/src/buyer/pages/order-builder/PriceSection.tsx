import { money, type Problem, type Quote } from "../../api/client.ts";
import { countryName } from "../../../countries.ts";
import { Notice } from "../../ui.tsx";

/** Step 4: the live quote, why the order was refused (if it was), and the button that places it. */
export function PriceSection(p: { quote: Quote | null; problem: Problem | null; busy: boolean; filled: number; onPlace: () => void }) {
  return (
    <section aria-labelledby="quote-h" className="panel quote">
      <h2 id="quote-h">4. Price</h2>
      <QuoteView quote={p.quote} />
      <Notice problem={p.problem} />
      <button type="button" className="btn" disabled={p.busy || !p.filled} onClick={p.onPlace}>
        {p.quote ? `Place order: ${money(p.quote.totalAmount, p.quote.currency)}` : "Place order"}
      </button>
      <p className="muted">You pay on the next page. Nothing is charged until you confirm the payment.</p>
    </section>
  );
}

function QuoteView({ quote }: { quote: Quote | null }) {
  if (!quote) return <p className="muted" role="status">The price appears here as you add recipients.</p>;
  return (
    <table className="quote-table" aria-live="polite">
      <caption className="sr">Quote</caption>
      <tbody>
        {quote.lines.map((l) => (
          <tr key={l.offerId}><th scope="row">{l.quantity} × {l.name}</th><td className="num">{money(l.amount, quote.currency)}</td></tr>
        ))}
        {quote.shipping.map((s) => (
          <tr key={s.country}><th scope="row">Shipping, {s.quantity} to {s.country === "*" ? "the recipient's choice" : countryName(s.country)}</th><td className="num">{money(s.amount, quote.currency)}</td></tr>
        ))}
        <tr className="total"><th scope="row">Total</th><td className="num">{money(quote.totalAmount, quote.currency)}</td></tr>
      </tbody>
    </table>
  );
}
