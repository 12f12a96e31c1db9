import { useId, useState, type FormEvent } from "react";
import type { Gift, Problem } from "./gift-types.ts";

const MAX = 1000;

export interface ThankYouNoteProps {
  gift: Gift;
  /** Sends the note; resolves with the problem when it was not sent. */
  onSend: (message: string) => Promise<Problem | null>;
}

/** After redeeming: a note back to the sender, once; then the note as sent. */
export function ThankYouNote({ gift, onSend }: ThankYouNoteProps) {
  const id = useId();
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sender = gift.senderName?.trim() || "the sender";
  const sent = gift.redemption?.thankYou;

  if (sent) {
    return (
      <section className="thanks" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Your thank-you note was sent</h2>
        <blockquote className="message sent-note">
          <p>{sent.message}</p>
        </blockquote>
        <p className="muted">We emailed it to {sender}.</p>
      </section>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (text.trim() === "") {
      setError("Write a few words first");
      return;
    }
    setBusy(true);
    setError(null);
    const problem = await onSend(text.trim());
    setBusy(false);
    if (problem) setError(problem.detail ?? "Your note could not be sent. Please try again.");
  }

  const left = MAX - text.length;
  return (
    <section className="thanks" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Say thank you</h2>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-note`}>Your note to {sender}</label>
          {error && (
            <p className="field-error" id={`${id}-err`} role="alert">
              <span className="sr-only">Error: </span>
              {error}
            </p>
          )}
          <textarea
            id={`${id}-note`}
            name="message"
            rows={4}
            maxLength={MAX}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              if (error) setError(null);
            }}
            aria-describedby={`${id}-count${error ? ` ${id}-err` : ""}`}
            {...(error ? { "aria-invalid": true } : {})}
          />
          <p className="muted count" id={`${id}-count`}>
            {left} characters left
          </p>
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? (
            <>
              <span className="spinner" aria-hidden="true" />
              Sending…
            </>
          ) : (
            "Send thank-you note"
          )}
        </button>
      </form>
    </section>
  );
}
