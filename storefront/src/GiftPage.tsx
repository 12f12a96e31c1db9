import { useEffect, useState, type CSSProperties } from "react";
import { AddressForm } from "./AddressForm.tsx";
import { loadGift, redeemGift, tokenStore, type Result } from "./api.ts";
import { ChoicePicker } from "./ChoicePicker.tsx";
import { formatDate, GiftStatus } from "./GiftStatus.tsx";
import type { Address, Choice, Gift, Problem } from "./gift-types.ts";

export interface GiftPageProps {
  token: string;
  /** Test seam: the API calls (default: the real core API). */
  api?: { loadGift: (t: string) => Promise<Result<Gift>>; redeemGift: (t: string, v: string, a: Address) => Promise<Result<Gift>> };
  /** Test seam: a gift already loaded (server rendering in tests). */
  initialGift?: Gift;
}

type Step = { kind: "choose" } | { kind: "address"; choice: Choice };

/** One recipient's gift: the message, the choice, the address, then the status. */
export function GiftPage({ token, api = { loadGift, redeemGift }, initialGift }: GiftPageProps) {
  const [gift, setGift] = useState<Gift | null>(initialGift ?? null);
  const [loadProblem, setLoadProblem] = useState<Problem | null>(null);
  const [step, setStep] = useState<Step>({ kind: "choose" });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  useEffect(() => {
    if (initialGift) return;
    let live = true;
    void api.loadGift(token).then((r) => {
      if (!live) return;
      if (r.ok) setGift(r.value);
      else setLoadProblem(r.problem);
    });
    return () => {
      live = false;
    };
  }, [token]);

  if (loadProblem) {
    if (loadProblem.status === 401) tokenStore.clear();
    return (
      <Shell>
        <h1>We could not open this gift</h1>
        <p className="lead">{loadProblem.status === 401 ? "Your session has ended. Open the link in your gift email again." : (loadProblem.detail ?? "Please try again in a moment.")}</p>
        <a className="primary link-button" href="/redeem">Enter a gift code</a>
      </Shell>
    );
  }
  if (!gift) {
    return (
      <Shell>
        <div className="skeleton" aria-busy="true" aria-label="Loading your gift">
          <div className="sk-line wide" />
          <div className="sk-line" />
          <div className="sk-box" />
        </div>
      </Shell>
    );
  }

  async function confirm(choice: Choice, address: Address) {
    setBusy(true);
    setProblem(null);
    const r = await api.redeemGift(token, choice.variantId, address);
    setBusy(false);
    if (r.ok) {
      setGift(r.value);
      window.scrollTo?.({ top: 0 });
      return;
    }
    if (r.problem.code === "out_of_stock") {
      setStep({ kind: "choose" });
      const fresh = await api.loadGift(token);
      if (fresh.ok) setGift(fresh.value);
    } else if (r.problem.code === "already_redeemed") {
      const fresh = await api.loadGift(token);
      if (fresh.ok) setGift(fresh.value);
    }
    setProblem(r.problem);
  }

  const theme = { "--accent": gift.brand.accentColor, "--brand": gift.brand.primaryColor } as CSSProperties;
  const from = gift.senderName ? `${gift.senderName} sent you a gift` : "You have received a gift";
  return (
    <div className="gift-page" style={theme}>
      <header className="brand-bar">
        {gift.brand.logoUrl ? <img src={gift.brand.logoUrl} alt={gift.brand.name} height={36} /> : <span className="brand-name">{gift.brand.name}</span>}
      </header>
      <main className="gift-main">
        <section className="hero" aria-labelledby="gift-title">
          <p className="eyebrow">{from}</p>
          <h1 id="gift-title">Hi {gift.recipientName.split(" ")[0]}, {gift.offerName.toLowerCase().startsWith("a ") ? gift.offerName : "this is for you"}</h1>
          {gift.message && (
            <blockquote className="message">
              <p>{gift.message}</p>
              {gift.senderName && <footer>— {gift.senderName}</footer>}
            </blockquote>
          )}
        </section>
        {gift.status === "available" ? (
          <>
            {problem?.code === "out_of_stock" && <p className="banner error" role="alert">{problem.detail ?? "That option just sold out. Please pick another."}</p>}
            {step.kind === "choose" ? (
              <ChoicePicker choices={gift.choices} onChoose={(choice) => { setProblem(null); setStep({ kind: "address", choice }); }} />
            ) : (
              <>
                <p className="chosen">
                  You chose <strong>{step.choice.productTitle}</strong>
                  {step.choice.variantTitle !== "Default Title" ? ` · ${step.choice.variantTitle}` : ""}
                </p>
                <AddressForm
                  recipientName={gift.recipientName}
                  shipsTo={gift.shipsTo}
                  busy={busy}
                  problem={problem}
                  onBack={() => setStep({ kind: "choose" })}
                  onSubmit={(address) => void confirm(step.choice, address)}
                />
              </>
            )}
            <p className="muted expiry">Choose by {formatDate(gift.expiresAt)}. Shipping is on us.</p>
          </>
        ) : gift.status === "expired" ? (
          <p className="banner">This gift expired on {formatDate(gift.expiresAt)}. The sender has been refunded; reach out to them if you think this is a mistake.</p>
        ) : gift.status === "canceled" ? (
          <p className="banner">The sender canceled this gift.</p>
        ) : (
          <GiftStatus gift={gift} />
        )}
      </main>
      <footer className="page-footer muted">Gift delivered by {gift.brand.name} with Giftloop · Your address is only used to ship this gift.</footer>
    </div>
  );
}

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <main className="landing">
      <section className="card">{children}</section>
    </main>
  );
}
