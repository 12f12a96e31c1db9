import { useEffect, useState, type CSSProperties, type ReactNode } from "react";
import { AddressForm, defaultCountry } from "./AddressForm.tsx";
import { tokenStore } from "./api.ts";
import { groupChoices } from "./choices.ts";
import { ChoicePicker } from "./ChoicePicker.tsx";
import { brandTheme } from "./contrast.ts";
import { formatDate, GiftStatus, statusTitle } from "./GiftStatus.tsx";
import type { Address, AddressDraft, Gift, Problem } from "./gift-types.ts";
import { ReviewStep } from "./ReviewStep.tsx";
import { ThankYouNote } from "./ThankYouNote.tsx";
import { defaultApi, FOCUS, useFocusAfterRender, useGift, useGiftFlow, type GiftApi, type GiftFlow } from "./useGiftFlow.ts";

export type { GiftApi } from "./useGiftFlow.ts";

export interface GiftPageProps {
  token: string;
  /** The gift code, when the page has it (gift link or typed): renews an expired token. */
  code?: string | null;
  /** Test seam: the API calls (default: the real core API). */
  api?: GiftApi;
  /** Test seam: a gift already loaded (server rendering in tests). */
  initialGift?: Gift;
}

/** A stored address as the form's draft (every field, blanks as empty strings). */
const toDraft = (a: Address): AddressDraft => ({
  name: a.name ?? "",
  company: a.company ?? "",
  line1: a.line1 ?? "",
  line2: a.line2 ?? "",
  city: a.city ?? "",
  region: a.region ?? "",
  postalCode: a.postalCode ?? "",
  country: a.country ?? "",
  phone: a.phone ?? "",
});

/** One recipient's gift: the message, the choice, the address, then the status. */
export function GiftPage({ token, code = null, api = defaultApi, initialGift }: GiftPageProps) {
  const { gift, setGift, loadProblem, session } = useGift(token, code, api, initialGift);
  const moveFocus = useFocusAfterRender();
  const flow = useGiftFlow(gift, setGift, session, api, moveFocus);

  const brand = gift?.brand.name;
  const title = pageTitle(loadProblem, gift, flow);
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

  return (
    <div className="gift-page" style={brandTheme(gift.brand.primaryColor, gift.brand.accentColor) as CSSProperties}>
      <header className="brand-bar">
        <BrandMark name={gift.brand.name} logoUrl={gift.brand.logoUrl} />
      </header>
      <main className="gift-main">
        <GiftHero gift={gift} />
        {gift.status === "available" ? (
          <ChooseGift gift={gift} flow={flow} />
        ) : gift.status === "on_hold" || gift.status === "expired" || gift.status === "canceled" ? (
          <GiftClosed gift={gift} />
        ) : (
          <RedeemedGift gift={gift} flow={flow} />
        )}
      </main>
      <footer className="page-footer muted">Gift delivered by {gift.brand.name} with Giftloop · Your address is only used to ship this gift.</footer>
    </div>
  );
}

/** The page's title: what the recipient is looking at, with "Error: " while a form shows errors. */
function pageTitle(loadProblem: Problem | null, gift: Gift | null, { editing, formErrors, step }: GiftFlow): string {
  if (loadProblem) return "We could not open this gift";
  if (!gift) return "Loading your gift";
  const errorPrefix = formErrors > 0 ? "Error: " : "";
  if (gift.status !== "available") return editing ? `${errorPrefix}Change the shipping address` : statusTitle(gift.status);
  if (step.kind === "address") return `${errorPrefix}Shipping address`;
  if (step.kind === "review") return "Check your gift";
  return groupChoices(gift.choices).length > 1 ? "Choose your gift" : "Your gift";
}

/** Who the gift is from, and their message. */
function GiftHero({ gift }: { gift: Gift }) {
  const from = gift.senderName ? `${gift.senderName} sent you a gift` : "You have received a gift";
  const firstName = gift.recipientName.trim().split(/\s+/)[0] ?? "";
  return (
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
  );
}

/** A gift still to redeem: choose, give the address, review, confirm. */
function ChooseGift({ gift, flow }: { gift: Gift; flow: GiftFlow }) {
  const { step, problem, draft } = flow;
  return (
    <>
      {problem?.code === "out_of_stock" && step.kind === "choose" && (
        <p className="banner error" role="alert" id={FOCUS.stock} tabIndex={-1}>
          {problem.detail ?? "That option just sold out."} Your address is kept.
        </p>
      )}
      {step.kind === "review" ? (
        <ReviewStep
          headingId={FOCUS.review}
          choice={step.choice}
          address={draft!}
          brandName={gift.brand.name}
          busy={flow.busy}
          problem={problem}
          onEditAddress={() => flow.goTo({ kind: "address", choice: step.choice }, FOCUS.address)}
          onChangeItem={() => flow.goTo({ kind: "choose", previous: step.choice }, FOCUS.choose)}
          onConfirm={() => void flow.confirm(step.choice, draft!)}
        />
      ) : step.kind === "choose" ? (
        <ChoicePicker
          choices={gift.choices}
          {...(step.previous ? { initialChoice: step.previous } : {})}
          onChoose={(choice) => {
            flow.setDraft((d) => d ?? { name: gift.recipientName, company: "", line1: "", line2: "", city: "", region: "", postalCode: "", country: defaultCountry(gift.shipsTo), phone: "" });
            flow.goTo({ kind: "address", choice }, FOCUS.address);
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
            onChange={flow.setDraft}
            shipsTo={gift.shipsTo}
            busy={flow.busy}
            problem={problem}
            onErrorCount={flow.setFormErrors}
            onBack={() => flow.goTo({ kind: "choose", previous: step.choice }, FOCUS.choose)}
            onSubmit={(address) => {
              flow.setDraft(address);
              flow.goTo({ kind: "review", choice: step.choice }, FOCUS.review);
            }}
          />
        </>
      )}
      <p className="muted expiry">Choose by {formatDate(gift.expiresAt)}. Shipping is on us.</p>
    </>
  );
}

/** A gift that cannot be redeemed: on hold while its payment is reviewed, expired or canceled. */
function GiftClosed({ gift }: { gift: Gift }) {
  if (gift.status === "on_hold") {
    return (
      <section className="status ended" aria-labelledby={FOCUS.ended}>
        <h2 id={FOCUS.ended} tabIndex={-1}>This gift is on hold</h2>
        <p>
          It can't be redeemed right now{gift.senderName ? `, while ${gift.senderName}'s order is being reviewed` : ", while the order is being reviewed"}. Please come back
          in a few days, or reach out to the sender if you have questions.
        </p>
      </section>
    );
  }
  return (
    <section className="status ended" aria-labelledby={FOCUS.ended}>
      <h2 id={FOCUS.ended} tabIndex={-1}>{gift.status === "expired" ? "This gift has expired" : "This gift was canceled"}</h2>
      <p>
        {gift.status === "expired"
          ? `It expired on ${formatDate(gift.expiresAt)}. The sender has been refunded; reach out to them if you think this is a mistake.`
          : "The sender canceled this gift, so it can no longer be redeemed. Reach out to them if you have questions."}
      </p>
    </section>
  );
}

/** A redeemed gift: where it stands, the address (correctable until the brand orders it), the thank-you note. */
function RedeemedGift({ gift, flow }: { gift: Gift; flow: GiftFlow }) {
  const { problem, editing } = flow;
  return (
    <>
      {problem?.code === "already_redeemed" && <p className="banner" role="status">This gift had already been redeemed. Here is where it stands.</p>}
      {problem?.code === "already_ordered" && !editing && (
        <p className="banner" role="alert" id={FOCUS.locked} tabIndex={-1}>
          {gift.brand.name} has already started on your order, so the address can no longer be changed here. If it must go somewhere else, please reach out to{" "}
          {gift.senderName ?? "the sender"}.
        </p>
      )}
      {editing ? (
        <AddressForm
          headingId={FOCUS.edit}
          heading="Change the shipping address"
          submitLabel="Save address"
          busyLabel="Saving…"
          backLabel="Cancel"
          value={editing}
          onChange={flow.setEditing}
          shipsTo={gift.shipsTo}
          busy={flow.busy}
          problem={problem}
          onErrorCount={flow.setFormErrors}
          onBack={() => {
            flow.setProblem(null);
            flow.setEditing(null);
            flow.moveFocus(FOCUS.status);
          }}
          onSubmit={(address) => void flow.saveAddress(address)}
        />
      ) : (
        <>
          <GiftStatus
            gift={gift}
            headingId={FOCUS.status}
            onChangeAddress={() => {
              flow.setProblem(null);
              flow.setEditing(toDraft(gift.redemption!.shippingAddress!));
              flow.moveFocus(FOCUS.edit);
            }}
          />
          {gift.status !== "canceled" && <ThankYouNote gift={gift} onSend={flow.thank} />}
        </>
      )}
    </>
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
