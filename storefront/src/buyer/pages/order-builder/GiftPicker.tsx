import { money, type Offer } from "../../api/client.ts";

/** Step 1: the gift every recipient gets, one of the storefront's orderable offers. */
export function GiftPicker({ offers, offerId, onPick }: { offers: Offer[]; offerId: string; onPick: (offerId: string) => void }) {
  return (
    <section aria-labelledby="gift-h" className="panel">
      <h2 id="gift-h">1. The gift</h2>
      <fieldset className="offer-pick">
        <legend className="sr">Gift for every recipient</legend>
        {offers.map((o) => (
          <label key={o.id} className={o.id === offerId ? "picked" : undefined}>
            <input type="radio" name="offer" value={o.id} checked={o.id === offerId} onChange={() => onPick(o.id)} />
            <span>{o.name}</span> <span className="muted">{money(o.price.amount, o.price.currency)}</span>
          </label>
        ))}
      </fieldset>
    </section>
  );
}
