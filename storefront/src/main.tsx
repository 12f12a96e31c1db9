import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { openGift, tokenStore } from "./api.ts";
import type { CodeProblem } from "./GiftCodeForm.tsx";
import { GiftPage } from "./GiftPage.tsx";
import { codeProblem } from "./problems.ts";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("storefront: #root element missing from index.html");

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Routes: `/g/<code>` (the gift link in the email and QR code) and `/redeem?code=` (the
 * typed code) exchange the code for a recipient token and continue at `/gift`, so the code
 * does not stay in the address bar or history; `/gift` shows the gift; anything else is
 * the code entry page. The code stays in memory (never stored) so an expired token can be
 * renewed without the recipient noticing.
 */
function Recipient() {
  // Read once: the address bar changes to /gift or /redeem once the code is exchanged.
  const [linkCode] = useState(() => {
    const path = window.location.pathname;
    const raw = /^\/g\/([^/]+)\/?$/.exec(path)?.[1] ?? (path === "/redeem" ? new URLSearchParams(window.location.search).get("code") : null);
    return raw ? decode(raw) : null;
  });
  const [session, setSession] = useState<{ token: string; code: string | null } | null>(() => {
    const token = linkCode ? null : tokenStore.get();
    return token ? { token, code: null } : null;
  });
  const [problem, setProblem] = useState<CodeProblem | null>(null);
  const [busy, setBusy] = useState(linkCode !== null);
  // The gift link's own code is being exchanged: a page of its own, not the code form.
  const [linkPending, setLinkPending] = useState(linkCode !== null);

  const exchange = async (c: string) => {
    setBusy(true);
    setProblem(null);
    const r = await openGift(c);
    setBusy(false);
    setLinkPending(false);
    if (r.ok) {
      tokenStore.set(r.value.token);
      window.history.replaceState(null, "", "/gift");
      setSession({ token: r.value.token, code: c });
    } else {
      setProblem(codeProblem(r.problem));
      window.history.replaceState(null, "", "/redeem");
    }
  };

  useEffect(() => {
    if (linkCode) void exchange(linkCode);
  }, []);

  useEffect(() => {
    if (linkPending) document.title = "Opening your gift…";
  }, [linkPending]);

  if (session) return <GiftPage token={session.token} code={session.code} />;
  if (linkPending) {
    return (
      <main className="landing" aria-busy="true">
        <p className="muted" role="status">
          <span className="spinner dark" aria-hidden="true" /> Opening your gift…
        </p>
      </main>
    );
  }
  // A gift link that did not open shows its code in the field, to correct it there.
  return <App initialCode={linkCode ?? ""} problem={problem} busy={busy} onRedeem={(c) => void exchange(c)} />;
}

createRoot(root).render(
  <StrictMode>
    <Recipient />
  </StrictMode>,
);
