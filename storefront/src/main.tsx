import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { openGift, tokenStore } from "./api.ts";
import { GiftPage } from "./GiftPage.tsx";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("storefront: #root element missing from index.html");

/**
 * Routes: `/g/<code>` (the gift link in the email and QR code) and `/redeem?code=` (the
 * typed code) exchange the code for a recipient token and continue at `/gift`, so the code
 * does not stay in the address bar or history; `/gift` shows the gift; anything else is
 * the code entry page.
 */
function Recipient() {
  const path = window.location.pathname;
  const linkCode = /^\/g\/([^/]+)\/?$/.exec(path)?.[1] ?? (path === "/redeem" ? new URLSearchParams(window.location.search).get("code") : null);
  const [token, setToken] = useState<string | null>(() => (linkCode ? null : tokenStore.get()));
  const [problem, setProblem] = useState<string | null>(null);

  const exchange = async (code: string) => {
    setProblem(null);
    const r = await openGift(code);
    if (r.ok) {
      tokenStore.set(r.value.token);
      window.history.replaceState(null, "", "/gift");
      setToken(r.value.token);
    } else {
      setProblem(
        r.problem.code === "code_not_found" || r.problem.code === "invalid_code"
          ? "We could not find a gift with this code. Check it against your email."
          : r.problem.status === 429
            ? "Too many attempts. Please wait a few minutes and try again."
            : (r.problem.detail ?? "Something went wrong. Please try again."),
      );
      window.history.replaceState(null, "", "/redeem");
    }
  };

  useEffect(() => {
    if (linkCode) void exchange(decodeURIComponent(linkCode));
  }, []);

  if (token) return <GiftPage token={token} />;
  if (linkCode && !problem) return <main className="landing" aria-busy="true"><p className="muted">Opening your gift…</p></main>;
  return <App problem={problem} onRedeem={(code) => void exchange(code)} />;
}

createRoot(root).render(
  <StrictMode>
    <Recipient />
  </StrictMode>,
);
