import { useEffect, useId, useRef, useState, type ChangeEvent, type FormEvent } from "react";
import { formatGiftCode, giftCodeProblem, giftCodeProblemMessage, normalizeGiftCode } from "./gift-code.ts";

export interface CodeProblem {
  message: string;
  aboutCode: boolean;
}

export interface GiftCodeFormProps {
  /** A code to start with, e.g. from a gift link's query string. */
  initialCode?: string;
  /** Where the form goes without JavaScript (GET with `?code=`). */
  action?: string;
  /** Called with the normalised code; when given, the browser's own submit is prevented. */
  onRedeem?: (code: string) => void;
  /** A code is being checked: the button shows it and cannot be pressed again. */
  busy?: boolean;
  /** The server's answer to the last code, shown under the field (`aboutCode`: the code itself is wrong). */
  problem?: CodeProblem | null;
}

/** The recipient types (or pastes) a gift code; it is shown back normalised, in groups of five. */
export function GiftCodeForm({ initialCode = "", action = "/redeem", onRedeem, busy = false, problem: serverProblem = null }: GiftCodeFormProps) {
  const [value, setValue] = useState(() => formatGiftCode(initialCode));
  const [touched, setTouched] = useState(false);
  // The server's problem belongs to the code it was about: editing the code clears it.
  const [answeredFor, setAnsweredFor] = useState(value);
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  // A code the server turned down: back to the field (the button was disabled meanwhile).
  useEffect(() => {
    if (serverProblem) input.current?.focus();
  }, [serverProblem]);
  const hintId = `${inputId}-hint`;

  const problem = giftCodeProblem(value);
  // Do not scold while the code is merely incomplete; do show a wrong character at once.
  const shown = problem === "invalid-character" || (touched && problem !== null) ? problem : null;
  const server = serverProblem && value === answeredFor && !shown ? serverProblem : null;

  function onChange(e: ChangeEvent<HTMLInputElement>) {
    setValue(formatGiftCode(e.target.value));
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    setTouched(true);
    if (problem !== null || busy) {
      e.preventDefault();
      return;
    }
    if (onRedeem) {
      e.preventDefault();
      setAnsweredFor(value);
      onRedeem(normalizeGiftCode(value));
    }
  }

  const error = shown ? giftCodeProblemMessage(shown) : (server?.message ?? null);
  return (
    <form className="gift-code-form" method="get" action={action} onSubmit={onSubmit} noValidate aria-busy={busy || undefined}>
      <label htmlFor={inputId}>Gift code</label>
      <input
        ref={input}
        id={inputId}
        name="code"
        value={value}
        onChange={onChange}
        onBlur={() => setTouched(value !== "")}
        placeholder="XXXXX-XXXXX-XXXXX"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        inputMode="text"
        readOnly={busy}
        aria-invalid={shown !== null || server?.aboutCode === true}
        aria-describedby={hintId}
      />
      <p id={hintId} className={error ? "hint hint-error" : "hint"} role={error ? "alert" : undefined}>
        {error ?? "You will find it in your gift email or on your card."}
      </p>
      <button type="submit" disabled={busy}>
        {busy ? (
          <>
            <span className="spinner" aria-hidden="true" />
            Opening…
          </>
        ) : (
          "Open my gift"
        )}
      </button>
    </form>
  );
}
