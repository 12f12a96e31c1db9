import { useRef, useState } from "react";
import { api, asProblem, type Problem } from "../../api/client.ts";
import { rowProblems, type RowProblem, type Submission } from "../../order-draft.ts";
import { navigate } from "../../router.ts";
import type { OrderDetails } from "./useOrderDetails.ts";

/**
 * Places the order and goes to its page (to pay). A retry of the same attempt reuses its
 * idempotency key, so a double click or a lost answer cannot order twice; `newAttempt` is
 * called when the recipients are edited. A refused order's row problems go back to the grid.
 */
export function usePlaceOrder(opts: {
  slug: string;
  offerId: string;
  details: OrderDetails;
  submission: Submission;
  onRowProblems: (problems: Map<number, RowProblem[]>) => void;
}) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const idempotencyKey = useRef<string | null>(null);

  async function place() {
    const { slug, offerId, details, submission } = opts;
    setProblem(null);
    if (!submission.recipients.length) {
      setProblem({ status: 0, code: "no_recipients", detail: "Add at least one recipient." });
      return;
    }
    setBusy(true);
    idempotencyKey.current ??= crypto.randomUUID();
    const r = await api.POST("/v1/orders", {
      params: { header: { "idempotency-key": idempotencyKey.current } },
      body: {
        storefront: slug,
        offerId,
        senderName: details.senderName.trim() || undefined,
        buyerReference: details.reference.trim() || undefined,
        recipients: submission.recipients,
        // On: the brand's schedule (by default 3 and 10 days after the email, 3 days before expiry).
        ...(details.reminders ? {} : { reminders: { afterSentDays: [], beforeExpiryDays: [] } }),
      } as never,
    });
    setBusy(false);
    if (r.data) {
      navigate(`/buy/orders/${(r.data as { order: { id: string } }).order.id}`);
      return;
    }
    const p = asProblem(r.error, r.response);
    if (p.code === "invalid_recipients" && Array.isArray(p.rows)) opts.onRowProblems(rowProblems(p.rows, submission.index));
    setProblem(p);
  }
  const newAttempt = () => {
    idempotencyKey.current = null;
  };

  return { place, busy, problem, newAttempt };
}
