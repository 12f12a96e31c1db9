import { useEffect } from "react";
import { GiftCodeForm, type CodeProblem, type GiftCodeFormProps } from "./GiftCodeForm.tsx";

export interface AppProps {
  initialCode?: string;
  /** Why the last code did not open a gift. */
  problem?: CodeProblem | null;
  /** A code is being checked. */
  busy?: boolean;
  onRedeem?: GiftCodeFormProps["onRedeem"];
}

/** Landing page of the recipient storefront: type a code to open a gift. */
export function App({ initialCode, onRedeem, problem = null, busy = false }: AppProps) {
  useEffect(() => {
    document.title = "Enter your gift code";
  }, []);
  return (
    <main className="landing">
      <section className="card" aria-labelledby="landing-title">
        <p className="eyebrow">Someone sent you a gift</p>
        <h1 id="landing-title">Redeem your gift</h1>
        <p className="lead">
          Enter your code to see your gift and message, choose your item, and tell us where to send it.
        </p>
        <GiftCodeForm
          {...(initialCode !== undefined ? { initialCode } : {})}
          {...(onRedeem !== undefined ? { onRedeem } : {})}
          problem={problem}
          busy={busy}
        />
      </section>
    </main>
  );
}
