import { useEffect, useState } from "react";
import { api, asProblem, type Quote } from "../../api/client.ts";
import { rowProblems, type RowProblem, type Submission } from "../../order-draft.ts";

/**
 * The quote follows the recipients: priced by the API as the order would be, half a second
 * after the last change. The rows it refuses are reported per grid row.
 */
export function useLiveQuote(slug: string, offerId: string, submission: Submission, setProblems: (problems: Map<number, RowProblem[]>) => void) {
  const [quote, setQuote] = useState<Quote | null>(null);
  const filled = submission.recipients.length;
  useEffect(() => {
    if (!filled || !offerId) {
      setQuote(null);
      return;
    }
    const timer = setTimeout(async () => {
      const r = await api.POST("/v1/storefronts/{slug}/quote", {
        params: { path: { slug } },
        body: { offerId, recipients: submission.recipients } as never,
      });
      if (r.data) {
        setQuote(r.data);
        setProblems(new Map());
      } else {
        setQuote(null);
        const p = asProblem(r.error, r.response);
        if (p.code === "invalid_recipients" && Array.isArray(p.rows)) setProblems(rowProblems(p.rows, submission.index));
      }
    }, 500);
    return () => clearTimeout(timer);
  }, [submission, offerId, slug, filled]);
  return quote;
}
