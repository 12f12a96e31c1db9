import { api, asProblem, money, type Offer } from "../api/client.ts";
import { brandTheme } from "../../contrast.ts";
import { countryName } from "../../countries.ts";
import { groupChoices } from "../../choices.ts";
import { onLink } from "../router.ts";
import { useLoad } from "../useApi.ts";
import { ProblemView } from "../ui.tsx";

type Shipping = { logoUrl: string | null; shipping: Array<{ country: string; rateAmount: number; currency: string }>; anywhereRate: { rateAmount: number; currency: string } | null };

async function loadSite(slug: string) {
  const [sf, ship] = await Promise.all([
    api.GET("/v1/storefronts/{slug}", { params: { path: { slug } } }),
    api.GET("/v1/storefront-shipping/{slug}", { params: { path: { slug } } }),
  ]);
  if (!sf.data) return { problem: asProblem(sf.error, sf.response) };
  return { data: { storefront: sf.data, shipping: (ship.data ?? { logoUrl: null, shipping: [], anywhereRate: null }) as Shipping } };
}

/** The lowest shipping a recipient of this brand can cost: the "from" total adds it to the price. */
function cheapestShipping(s: Shipping): number {
  const rates = [...s.shipping.map((r) => r.rateAmount), ...(s.anywhereRate ? [s.anywhereRate.rateAmount] : [])];
  return rates.length ? Math.min(...rates) : 0;
}

/** The brand's gifting site at its storefront slug: branding, offers with B2B prices, stock, where it ships. */
export function BrandSite({ slug }: { slug: string }) {
  const { data, problem } = useLoad(`site:${slug}`, () => loadSite(slug));
  if (problem) return <ProblemView problem={problem} title="This storefront is not open" />;
  if (!data) return <p role="status">Loading the storefront…</p>;
  const { storefront: sf, shipping } = data;
  const from = cheapestShipping(shipping);
  return (
    <div className="brand" style={brandTheme(sf.primaryColor, sf.accentColor)}>
      <section className="hero" aria-labelledby="brand-title">
        {shipping.logoUrl ? <img className="logo" src={shipping.logoUrl} alt={`${sf.brandName} logo`} width="180" height="48" /> : null}
        <h1 id="brand-title">{sf.name}</h1>
        {sf.welcomeText ? <p className="welcome">{sf.welcomeText}</p> : null}
        <a className="btn on-brand" href={`/buy/${slug}/order`} onClick={onLink}>Send gifts</a>
      </section>
      <section aria-labelledby="offers-title">
        <h2 id="offers-title">Gifts</h2>
        <ul className="offers">
          {sf.offers.map((o) => (
            <OfferCard key={o.id} offer={o} slug={slug} fromAmount={o.price.amount + from} />
          ))}
        </ul>
      </section>
      <ShippingTable shipping={shipping} />
    </div>
  );
}

function OfferCard({ offer, slug, fromAmount }: { offer: Offer; slug: string; fromAmount: number }) {
  const products = groupChoices(offer.choices as never);
  const image = products.find((p) => p.imageUrl)?.imageUrl ?? null;
  const soldOut = !offer.orderable || offer.available === 0;
  return (
    <li className="offer">
      {image ? <img src={image} alt="" width="240" height="240" loading="lazy" onError={(e) => e.currentTarget.classList.add("broken")} /> : <div className="ph" aria-hidden="true" />}
      <h3>{offer.name}</h3>
      {offer.description ? <p>{offer.description}</p> : null}
      <p className="price">
        <strong>{money(offer.price.amount, offer.price.currency)}</strong> per recipient
        <br />
        <span className="muted">from {money(fromAmount, offer.price.currency)} with shipping</span>
      </p>
      {offer.kind === "choice" ? (
        <>
          <p className="muted">Recipient's choice of {products.length}:</p>
          <ul className="contents">
            {products.map((p) => (
              <li key={p.productId}>{p.title}{p.inStock ? "" : " (sold out)"}</li>
            ))}
          </ul>
        </>
      ) : products[0] && products[0].variants.length > 1 ? (
        <p className="muted">The recipient picks: {products[0].axes.map((a) => `${a.name} (${a.values.join(", ")})`).join("; ")}</p>
      ) : null}
      <p className="stock">{soldOut ? "Sold out" : offer.available === null ? "In stock" : `${offer.available} available`}</p>
      {soldOut ? null : (
        <a className="btn" href={`/buy/${slug}/order?offer=${offer.id}`} onClick={onLink} aria-label={`Send this gift: ${offer.name}`}>Send this gift</a>
      )}
    </li>
  );
}

function ShippingTable({ shipping }: { shipping: Shipping }) {
  if (!shipping.shipping.length && !shipping.anywhereRate) return null;
  return (
    <section aria-labelledby="ship-title" className="ship">
      <h2 id="ship-title">Where it ships</h2>
      <table>
        <caption className="sr">Shipping rate per recipient, by country</caption>
        <thead>
          <tr><th scope="col">Country</th><th scope="col" className="num">Shipping per recipient</th></tr>
        </thead>
        <tbody>
          {shipping.shipping.map((r) => (
            <tr key={r.country}><td>{countryName(r.country)}</td><td className="num">{money(r.rateAmount, r.currency)}</td></tr>
          ))}
          {shipping.anywhereRate ? (
            <tr><td>Anywhere else (the recipient chooses)</td><td className="num">{money(shipping.anywhereRate.rateAmount, shipping.anywhereRate.currency)}</td></tr>
          ) : null}
        </tbody>
      </table>
    </section>
  );
}
