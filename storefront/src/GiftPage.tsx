import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type ReactNode } from "react";
import { AddressForm, defaultCountry } from "./AddressForm.tsx";
import { isExpiredToken, loadGift, openGift, RecipientSession, redeemGift, tokenStore, type Result } from "./api.ts";
import { groupChoices } from "./choices.ts";
import { ChoicePicker } from "./ChoicePicker.tsx";
import { brandTheme } from "./contrast.ts";
import { formatDate, GiftStatus, statusTitle } from "./GiftStatus.tsx";
import type { AddressDraft, Choice, Gift, Problem } from "./gift-types.ts";

export interface GiftApi {
  loadGift: (token: string) => Promise<Result<Gift>>;
  redeemGift: (token: string, variantId: string, address: AddressDraft) => Promise<Result<Gift>>;
  openGift: (code: string) => Promise<Result<{ token: string }>>;
}

export interface GiftPageProps {
  token: string;
  /** The gift code, when the page has it (gift link or typed): renews an expired token. */
  code?: string | null;
  /** Test seam: the API calls (default: the real core API). */
  api?: GiftApi;
  /** Test seam: a gift already loaded (server rendering in tests). */
  initialGift?: Gift;
}

type Step = { kind: "choose"; previous?: Choice } | { kind: "address"; choice: Choice };

/** Ids of the elements focus moves to when the page changes under the recipient. */
const FOCUS = { choose: "choose-title", address: "address-title", status: "status-title", ended: "ended-title", stock: "stock-alert" } as const;

const defaultApi: GiftApi = { loadGift, redeemGift, openGift };

/** One recipient's gift: the message, the choice, the address, then the status. */
export function GiftPage({ token, code = null, api = defaultApi, initialGift }: GiftPageProps) {
  const session = useRef<RecipientSession | null>(null);
  session.current ??= new RecipientSession(token, code, api.openGift);
  const [gift, setGift] = useState<Gift | null>(initialGift ?? null);
  const [loadProblem, setLoadProblem] = useState<Problem | null>(null);
  const [step, setStep] = useState<Step>({ kind: "choose" });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // What the recipient typed survives going back to the choice (or a sold-out choice).
  const [draft, setDraft] = useState<AddressDraft | null>(null);
  const [formErrors, setFormErrors] = useState(0);
  const focusNext = useRef<string | null>(null);
  const moveFocus = (id: string) => (focusNext.current = id);

  useEffect(() => {
    if (initialGift) return;
    let live = true;
    void session.current!.run(api.loadGift).then((r) => {
      if (!live) return;
      if (r.ok) setGift(r.value);
      else setLoadProblem(r.problem);
    });
    return () => {
      live = false;
    };
  }, [token]);

  // Focus (and scroll to) what just changed: the next step's heading, the outcome, an alert.
  useLayoutEffect(() => {
    const id = focusNext.current;
    if (!id) return;
    focusNext.current = null;
    const el = document.getElementById(id);
    if (!el) return;
    el.focus({ preventScroll: true });
    el.scrollIntoView?.({ block: "start" });
  });

  const brand = gift?.brand.name;
  const title = loadProblem
    ? "We could not open this gift"
    : !gift
      ? "Loading your gift"
      : gift.status !== "available"
        ? statusTitle(gift.status)
        : step.kind === "address"
          ? `${formErrors > 0 ? "Error: " : ""}Shipping address`
          : groupChoices(gift.choices).length > 1
            ? "Choose your gift"
            : "Your gift";
  useEffect(() => {
    document.title = brand ? `${title} – ${brand}` : title;
  }, [title, brand]);

  if (loadProblem) {
    if (loadProblem.status === 401) tokenStore.clear();
    return (
      <Shell>
        <h1>We could not open this gift</h1>
        <p className="lead">{loadProblem.status === 401 ? "Your session has ended. Enter your gift code again, or open the link in your gift email." : (loadProblem.detail ?? "Please try again in a moment.")}</p>
        <a className="primary link-button" href="/redeem">Enter your gift code</a>
      </Shell>
    );
  }
  if (!gift) {
    return (
      <Shell>
        <div className="skeleton" role="status" aria-busy="true">
          <span className="sr-only">Loading your gift</span>
          <div className="sk-line wide" aria-hidden="true" />
          <div className="sk-line" aria-hidden="true" />
          <div className="sk-box" aria-hidden="true" />
        </div>
      </Shell>
    );
  }

  const reload = async (): Promise<Gift | null> => {
    const fresh = await session.current!.run(api.loadGift);
    return fresh.ok ? fresh.value : null;
  };

  async function confirm(choice: Choice, address: AddressDraft) {
    setBusy(true);
    setProblem(null);
    const r = await session.current!.run((t) => api.redeemGift(t, choice.variantId, address));
    if (r.ok) {
      setBusy(false);
      setGift(r.value);
      moveFocus(FOCUS.status);
      return;
    }
    const p = r.problem;
    if (isExpiredToken(p)) tokenStore.clear();
    if (p.code === "out_of_stock") {
      const fresh = await reload();
      if (fresh) setGift(fresh);
      setStep({ kind: "choose" });
      moveFocus(FOCUS.stock);
    } else if (p.code === "already_redeemed" || p.code === "unavailable" || p.code === "expired" || p.code === "on_hold") {
      // The gift changed under the form: show what it is now, not the form.
      const fresh = await reload();
      const status = p.code === "expired" ? "expired" : p.code === "unavailable" ? "canceled" : p.code === "on_hold" ? "on_hold" : null;
      if (fresh && fresh.status !== "available") setGift(fresh);
      else if (status) setGift({ ...gift!, status });
      moveFocus(p.code === "already_redeemed" && fresh?.redemption ? FOCUS.status : FOCUS.ended);
    }
    setBusy(false);
    setProblem(p);
  }

  const from = gift.senderName ? `${gift.senderName} sent you a gift` : "You have received a gift";
  const firstName = gift.recipientName.trim().split(/\s+/)[0] ?? "";
  return (
    <div className="gift-page" style={brandTheme(gift.brand.primaryColor, gift.brand.accentColor) as CSSProperties}>
      <header className="brand-bar">
        <BrandMark name={gift.brand.name} logoUrl={gift.brand.logoUrl} />
      </header>
      <main className="gift-main">
        <section className="hero" aria-labelledby="gift-title">
          <p className="eyebrow">{from}</p>
          <h1 id="gift-title">Hi {firstName}, {gift.offerName.toLowerCase().startsWith("a ") ? gift.offerName : "this is for you"}</h1>
          {gift.welcomeText?.trim() && <p className="welcome">{gift.welcomeText.trim()}</p>}
          {gift.message && (
            <blockquote className="message">
              <p>{gift.message}</p>
              {gift.senderName && <footer>— {gift.senderName}</footer>}
            </blockquote>
          )}
        </section>
        {gift.status === "available" ? (
          <>
            {problem?.code === "out_of_stock" && step.kind === "choose" && (
              <p className="banner error" role="alert" id={FOCUS.stock} tabIndex={-1}>
                {problem.detail ?? "That option just sold out."} Your address is kept.
              </p>
            )}
            {step.kind === "choose" ? (
              <ChoicePicker
                choices={gift.choices}
                {...(step.previous ? { initialChoice: step.previous } : {})}
                onChoose={(choice) => {
                  setProblem(null);
                  setDraft((d) => d ?? { name: gift.recipientName, company: "", line1: "", line2: "", city: "", region: "", postalCode: "", country: defaultCountry(gift.shipsTo), phone: "" });
                  setStep({ kind: "address", choice });
                  moveFocus(FOCUS.address);
                }}
              />
            ) : (
              <>
                <p className="chosen">
                  You chose <strong>{step.choice.productTitle}</strong>
                  {step.choice.variantTitle !== "Default Title" ? ` · ${step.choice.variantTitle}` : ""}
                </p>
                <AddressForm
                  headingId={FOCUS.address}
                  value={draft!}
                  onChange={setDraft}
                  shipsTo={gift.shipsTo}
                  busy={busy}
                  problem={problem}
                  onErrorCount={setFormErrors}
                  onBack={() => {
                    setProblem(null);
                    setStep({ kind: "choose", previous: step.choice });
                    moveFocus(FOCUS.choose);
                  }}
                  onSubmit={(address) => void confirm(step.choice, address)}
                />
              </>
            )}
            <p className="muted expiry">Choose by {formatDate(gift.expiresAt)}. Shipping is on us.</p>
          </>
        ) : gift.status === "on_hold" ? (
          <section className="status ended" aria-labelledby={FOCUS.ended}>
            <h2 id={FOCUS.ended} tabIndex={-1}>This gift is on hold</h2>
            <p>
              It can't be redeemed right now{gift.senderName ? `, while ${gift.senderName}'s order is being reviewed` : ", while the order is being reviewed"}. Please come back
              in a few days, or reach out to the sender if you have questions.
            </p>
          </section>
        ) : gift.status === "expired" || gift.status === "canceled" ? (
          <section className="status ended" aria-labelledby={FOCUS.ended}>
            <h2 id={FOCUS.ended} tabIndex={-1}>{gift.status === "expired" ? "This gift has expired" : "This gift was canceled"}</h2>
            <p>
              {gift.status === "expired"
                ? `It expired on ${formatDate(gift.expiresAt)}. The sender has been refunded; reach out to them if you think this is a mistake.`
                : "The sender canceled this gift, so it can no longer be redeemed. Reach out to them if you have questions."}
            </p>
          </section>
        ) : (
          <>
            {problem?.code === "already_redeemed" && <p className="banner" role="status">This gift had already been redeemed. Here is where it stands.</p>}
            <GiftStatus gift={gift} headingId={FOCUS.status} />
          </>
        )}
      </main>
      <footer className="page-footer muted">Gift delivered by {gift.brand.name} with Giftloop · Your address is only used to ship this gift.</footer>
    </div>
  );
}

/** The brand's logo (its name as alt text), or its name where there is no logo or it fails to load. */
function BrandMark({ name, logoUrl }: { name: string; logoUrl: string | null | undefined }) {
  const [failed, setFailed] = useState<string | null>(null);
  if (logoUrl && failed !== logoUrl) return <img className="brand-logo" src={logoUrl} alt={name} onError={() => setFailed(logoUrl)} />;
  return <span className="brand-name">{name}</span>;
}

function Shell({ children }: { children: ReactNode }) {
  return (
    <main className="landing">
      <section className="card">{children}</section>
    </main>
  );
}
