import { useState, type FormEvent } from "react";
import { api, ApiProblem } from "./api.ts";

/** Sign-in by emailed link: the answer is the same whether or not the address has an account. */
export function SignIn() {
  const [email, setEmail] = useState("");
  const [state, setState] = useState<"idle" | "sending" | "sent" | { error: string }>("idle");
  async function submit(e: FormEvent) {
    e.preventDefault();
    setState("sending");
    try {
      await api("POST", "/session", { email });
      setState("sent");
    } catch (err) {
      setState({ error: err instanceof ApiProblem ? err.message : "Something went wrong; try again." });
    }
  }
  return (
    <main className="sign-in">
      <h1>Giftloop finance</h1>
      {state === "sent" ? (
        <p role="status">If {email} has a console account, a sign-in link is on its way. It works once, for 15 minutes.</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <label htmlFor="email">Work email</label>
          <input id="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} aria-describedby={typeof state === "object" ? "email-error" : undefined} />
          {typeof state === "object" && (
            <p id="email-error" className="error" role="alert">
              {state.error}
            </p>
          )}
          <button type="submit" disabled={state === "sending"}>
            Email me a sign-in link
          </button>
        </form>
      )}
    </main>
  );
}
