import { lazy, StrictMode, Suspense, useEffect, useRef } from "react";
import { createRoot } from "react-dom/client";
import { onLink, useRoute, type Route } from "./router.ts";
import { SessionProvider, useSession } from "./session.tsx";
import { BrandSite } from "./pages/BrandSite.tsx";
import { SignIn } from "./pages/SignIn.tsx";
import { Home } from "./pages/Home.tsx";
import { reportWebVitals } from "./vitals.ts";
import "./buyer.css";

// The order builder (spreadsheet parsing) and the order page (a virtualised table) load on demand,
// so the brand's offers page stays small.
const OrderBuilder = lazy(() => import("./pages/OrderBuilder.tsx"));
const OrderPage = lazy(() => import("./pages/OrderPage.tsx"));
const Account = lazy(() => import("./pages/Account.tsx"));

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "home":
      return <Home />;
    case "sign-in":
      return <SignIn mode={route.mode} />;
    case "brand":
      return <BrandSite slug={route.slug} />;
    case "build":
      return <OrderBuilder slug={route.slug} />;
    case "order":
      return <OrderPage id={route.id} />;
    case "account":
      return <Account />;
    default:
      return (
        <section aria-labelledby="nf">
          <h1 id="nf">Page not found</h1>
          <p>There is no page at this address. <a href="/buy" onClick={onLink}>Go to your gifts</a>.</p>
        </section>
      );
  }
}

function Shell() {
  const route = useRoute();
  const { session } = useSession();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    // Moving between pages puts the focus on the new page, as a full page load would.
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [route]);
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <a className="wordmark" href="/buy" onClick={onLink}>Giftloop <span>for teams</span></a>
        <nav aria-label="Account">
          {session ? (
            <>
              <a href="/buy" onClick={onLink}>Orders</a>
              <a href="/buy/account" onClick={onLink}>Team</a>
              <span className="who">{session.organisation.name}</span>
            </>
          ) : session === null ? (
            <>
              <a href="/buy/sign-in" onClick={onLink}>Sign in</a>
              <a className="btn small" href="/buy/sign-up" onClick={onLink}>Sign up</a>
            </>
          ) : null}
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Suspense fallback={<p role="status">Loading…</p>}>
          <Page route={route} />
        </Suspense>
      </main>
    </>
  );
}

const root = document.getElementById("root");
if (!root) throw new Error("buyer app: #root missing");
createRoot(root).render(
  <StrictMode>
    <SessionProvider>
      <Shell />
    </SessionProvider>
  </StrictMode>,
);
reportWebVitals();
