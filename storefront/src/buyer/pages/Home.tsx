import { api, asProblem, money } from "../api/client.ts";
import { onLink } from "../router.ts";
import { useSession } from "../session.tsx";
import { useLoad } from "../useApi.ts";
import { ProblemView } from "../ui.tsx";

/** Signed in: the organisation's orders. Otherwise: what this is, and the way in. */
export function Home() {
  const { session } = useSession();
  if (session === undefined) return <p role="status">Loading…</p>;
  if (!session) {
    return (
      <section className="narrow" aria-labelledby="home-title">
        <h1 id="home-title">Send gifts people choose themselves</h1>
        <p>Order gifts for clients and colleagues from your favourite brands' sites, upload your recipients, pay once, and follow every gift.</p>
        <p>
          <a className="btn" href="/buy/sign-up" onClick={onLink}>Create a team account</a> <a href="/buy/sign-in" onClick={onLink}>Sign in</a>
        </p>
      </section>
    );
  }
  return <Orders />;
}

function Orders() {
  const { data, problem } = useLoad("orders", async () => {
    const r = await api.GET("/v1/orders", { params: { query: { limit: 50 } } });
    return r.data ? { data: r.data.items } : { problem: asProblem(r.error, r.response) };
  });
  if (problem) return <ProblemView problem={problem} />;
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">Your gift orders</h1>
      {!data ? (
        <p role="status">Loading…</p>
      ) : data.length === 0 ? (
        <p>No orders yet. Open a brand's gifting site (the link the brand gave you) to send your first gifts.</p>
      ) : (
        <table className="list">
          <thead>
            <tr><th scope="col">Order</th><th scope="col">Placed</th><th scope="col">Status</th><th scope="col" className="num">Recipients</th><th scope="col" className="num">Total</th></tr>
          </thead>
          <tbody>
            {data.map((o) => (
              <tr key={o.id}>
                <td><a href={`/buy/orders/${o.id}`} onClick={onLink}>{o.buyerReference ?? o.id.slice(0, 8)}</a></td>
                <td>{new Date(o.createdAt).toLocaleDateString()}</td>
                <td>{o.status.replace(/_/g, " ")}</td>
                <td className="num">{o.recipientCount}</td>
                <td className="num">{money(o.totalAmount, o.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
