import { useId, useState, type ChangeEvent, type FormEvent } from "react";
import { formatGiftCode, giftCodeProblem, giftCodeProblemMessage, normalizeGiftCode } from "./gift-code.ts";

export interface GiftCodeFormProps {
  /** A code to start with, e.g. from a gift link's query string. */
  initialCode?: string;
  /** Where the form goes without JavaScript (GET with `?code=`). */
  action?: string;
  /** Called with the normalised code; when given, the browser's own submit is prevented. */
  onRedeem?: (code: string) => void;
}

/** The recipient types (or pastes) a gift code; it is shown back normalised, in groups of five. */
export function GiftCodeForm({ initialCode = "", action = "/redeem", onRedeem }: GiftCodeFormProps) {
  const [value, setValue] = useState(() => formatGiftCode(initialCode));
  const [touched, setTouched] = useState(false);
  const inputId = useId();
  const hintId = `${inputId}-hint`;

  const problem = giftCodeProblem(value);
  // Do not scold while the code is merely incomplete; do show a wrong character at once.
  const shown = problem === "invalid-character" || (touched && problem !== null) ? problem : null;

  function onChange(e: ChangeEvent<HTMLInputElement>) {
    setValue(formatGiftCode(e.target.value));
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    setTouched(true);
    if (problem !== null) {
      e.preventDefault();
      return;
    }
    if (onRedeem) {
      e.preventDefault();
      onRedeem(normalizeGiftCode(value));
    }
  }

  return (
    <form className="gift-code-form" method="get" action={action} onSubmit={onSubmit} noValidate>
      <label htmlFor={inputId}>Gift code</label>
      <input
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
        aria-invalid={shown !== null}
        aria-describedby={hintId}
      />
      <p id={hintId} className={shown ? "hint hint-error" : "hint"} role={shown ? "alert" : undefined}>
        {shown ? giftCodeProblemMessage(shown) : "You will find it in your gift email or on your card."}
      </p>
      <button type="submit">Open my gift</button>
    </form>
  );
}
