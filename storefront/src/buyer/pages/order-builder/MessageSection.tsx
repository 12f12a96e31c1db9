import { useState } from "react";
import type { Offer, Storefront } from "../../api/client.ts";
import { RecipientPreview } from "./RecipientPreview.tsx";
import type { OrderDetails } from "./useOrderDetails.ts";

/** Step 3: who the gifts are from, the message for everyone, the send date, the buyer's reference, reminders, and a preview of the gift email. */
export function MessageSection({ sf, offer, details: d, previewMessage }: { sf: Storefront; offer: Offer | undefined; details: OrderDetails; previewMessage: string }) {
  const [preview, setPreview] = useState(false);
  return (
    <section aria-labelledby="msg-h" className="panel">
      <h2 id="msg-h">3. Message and date</h2>
      <div className="two">
        <div>
          <label htmlFor="sender">From (shown to recipients)</label>
          <input id="sender" value={d.senderName} maxLength={200} onChange={(e) => d.setSenderName(e.target.value)} />
          <label htmlFor="defmsg">Message for everyone (a recipient's own message replaces it)</label>
          <textarea id="defmsg" rows={3} maxLength={1000} value={d.defaultMessage} onChange={(e) => d.setDefaultMessage(e.target.value)} />
        </div>
        <div>
          <label htmlFor="senddate">Send on (9:00 your time; empty: as soon as paid)</label>
          <input id="senddate" type="date" value={d.sendDate} onChange={(e) => d.setSendDate(e.target.value)} />
          <label htmlFor="ref">Your reference or PO (optional)</label>
          <input id="ref" maxLength={200} value={d.reference} onChange={(e) => d.setReference(e.target.value)} />
          <label className="check">
            <input type="checkbox" checked={d.reminders} onChange={(e) => d.setReminders(e.target.checked)} /> Remind recipients who have not opened their gift (the brand's schedule, usually 3 and 10 days after, and 3 days before it expires)
          </label>
        </div>
      </div>
      <button type="button" className="link" aria-expanded={preview} onClick={() => setPreview((v) => !v)}>{preview ? "Hide" : "Preview"} what recipients see</button>
      {preview && offer ? <RecipientPreview sf={sf} offer={offer} from={d.senderName} message={previewMessage} /> : null}
    </section>
  );
}
