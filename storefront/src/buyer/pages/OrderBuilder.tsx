import { useMemo, useRef, useState } from "react";
import { api, asProblem, type Storefront } from "../api/client.ts";
import { brandTheme } from "../../contrast.ts";
import { toSubmission } from "../order-draft.ts";
import { onLink } from "../router.ts";
import { useSession } from "../session.tsx";
import type { Draft } from "../spreadsheet.ts";
import { ProblemView } from "../ui.tsx";
import { useLoad } from "../useApi.ts";
import type { GridHandle } from "./RecipientGrid.tsx";
import { GiftPicker } from "./order-builder/GiftPicker.tsx";
import { MessageSection } from "./order-builder/MessageSection.tsx";
import { PriceSection } from "./order-builder/PriceSection.tsx";
import { RecipientsSection } from "./order-builder/RecipientsSection.tsx";
import { useLiveQuote } from "./order-builder/useLiveQuote.ts";
import { useOrderDetails } from "./order-builder/useOrderDetails.ts";
import { usePlaceOrder } from "./order-builder/usePlaceOrder.ts";
import { useRecipientRows } from "./order-builder/useRecipientRows.ts";

/**
 * Building an order at a brand's site: the gift, the recipients (typed, pasted or uploaded),
 * a default message with per-recipient overrides, a send date, a live quote, a preview of
 * what recipients see, then the order (every bad row shown next to its cells, fixable here).
 */
export default function OrderBuilder({ slug }: { slug: string }) {
  const { session, can } = useSession();
  const { data: sf, problem } = useLoad(`sf:${slug}`, async () => {
    const r = await api.GET("/v1/storefronts/{slug}", { params: { path: { slug } } });
    return r.data ? { data: r.data } : { problem: asProblem(r.error, r.response) };
  });
  if (problem) return <ProblemView problem={problem} title="This storefront is not open" />;
  if (!sf || session === undefined) return <p role="status">Loading…</p>;
  if (!session) {
    sessionStorage.setItem("giftloop.after-sign-in", window.location.pathname + window.location.search);
    return (
      <section className="narrow" aria-labelledby="need-title">
        <h1 id="need-title">Sign in to send gifts from {sf.name}</h1>
        <p>Your team's account keeps your orders, recipients and receipts together.</p>
        <p><a className="btn" href="/buy/sign-up" onClick={onLink}>Create an account</a> <a href="/buy/sign-in" onClick={onLink}>Sign in</a></p>
      </section>
    );
  }
  if (!can("orders.create")) {
    return <ProblemView problem={{ status: 403, code: "forbidden_for_role", detail: "Your role cannot place orders. Ask an owner or admin of your team." }} />;
  }
  return <Builder sf={sf} slug={slug} senderDefault={session.organisation.name} />;
}

function Builder({ sf, slug, senderDefault }: { sf: Storefront; slug: string; senderDefault: string }) {
  const orderable = sf.offers.filter((o) => o.orderable);
  const initialOffer = new URLSearchParams(window.location.search).get("offer");
  const [offerId, setOfferId] = useState(orderable.find((o) => o.id === initialOffer)?.id ?? orderable[0]?.id ?? "");
  const draft = useRecipientRows();
  const details = useOrderDetails(senderDefault);
  const grid = useRef<GridHandle>(null);

  const { rows } = draft;
  const { defaultMessage, sendDate } = details;
  const submission = useMemo(() => toSubmission(rows, { defaultMessage, sendDate }), [rows, defaultMessage, sendDate]);
  const filled = submission.recipients.length;
  const quote = useLiveQuote(slug, offerId, submission, draft.setProblems);
  const order = usePlaceOrder({ slug, offerId, details, submission, onRowProblems: draft.showProblems });

  /** An edited recipient makes the next order a new attempt (a new idempotency key). */
  function change(i: number, field: keyof Draft, value: string) {
    draft.change(i, field, value);
    order.newAttempt();
  }

  const offer = orderable.find((o) => o.id === offerId);
  return (
    <div className="builder" style={brandTheme(sf.primaryColor, sf.accentColor)}>
      <p className="crumbs"><a href={`/buy/${slug}`} onClick={onLink}>{sf.name}</a> › New order</p>
      <h1>Send gifts from {sf.name}</h1>
      <GiftPicker offers={orderable} offerId={offerId} onPick={setOfferId} />
      <RecipientsSection draft={draft} grid={grid} offers={orderable} defaultMessage={defaultMessage} filled={filled} onChange={change} />
      <MessageSection sf={sf} offer={offer} details={details} previewMessage={rows.find((r) => r.message)?.message ?? defaultMessage} />
      <PriceSection quote={quote} problem={order.problem} busy={order.busy} filled={filled} onPlace={order.place} />
    </div>
  );
}
