import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, asProblem, type Problem } from "../api/client.ts";
import { navigate, onLink } from "../router.ts";
import { useSession } from "../session.tsx";
import { Notice } from "../ui.tsx";

/**
 * Sign up (work email and organisation) or sign in (email): a link and a code arrive by
 * email. Opening the link lands here with `#token=…`, which signs in at once; the code can be
 * pasted in the second step instead.
 */
export function SignIn({ mode }: { mode: "sign-in" | "sign-up" }) {
  const { setSession } = useSession();
  const [email, setEmail] = useState("");
  const [organisation, setOrganisation] = useState("");
  const [sent, setSent] = useState(false);
  const [code, setCode] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);
  const done = (s: Parameters<typeof setSession>[0]) => {
    setSession(s);
    const next = sessionStorage.getItem("giftloop.after-sign-in");
    sessionStorage.removeItem("giftloop.after-sign-in");
    navigate(next?.startsWith("/buy") ? next : "/buy");
  };

  useEffect(() => {
    const token = /#token=([A-Za-z0-9_-]+)/.exec(window.location.hash)?.[1];
    if (!token) return;
    // The token leaves the address bar before anything else happens.
    window.history.replaceState(null, "", "/buy/sign-in");
    setBusy(true);
    void api.POST("/v1/buyer-auth/verify", { body: { token } }).then(({ data, error, response }) => {
      setBusy(false);
      if (data) done(data);
      else setProblem(asProblem(error, response));
    });
  }, []);

  useEffect(() => {
    if (sent) codeInput.current?.focus();
  }, [sent]);

  async function ask(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const r =
      mode === "sign-up"
        ? await api.POST("/v1/buyer-auth/sign-up", { body: { email, organisation } })
        : await api.POST("/v1/buyer-auth/sign-in", { body: { email } });
    setBusy(false);
    if (r.error || !r.data) setProblem(asProblem(r.error, r.response));
    else setSent(true);
  }

  async function verify(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const { data, error, response } = await api.POST("/v1/buyer-auth/verify", { body: { email, code } });
    setBusy(false);
    if (data) done(data);
    else setProblem(asProblem(error, response));
  }

  const title = mode === "sign-up" ? "Create your team's account" : "Sign in";
  return (
    <section className="narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">{title}</h1>
      {!sent ? (
        <form onSubmit={ask} noValidate={false}>
          <p>{mode === "sign-up" ? "No password: we email you a link. Use your work email so your team can join you." : "No password: we email you a sign-in link and a code."}</p>
          <label htmlFor="email">Work email</label>
          <input id="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          {mode === "sign-up" ? (
            <>
              <label htmlFor="org">Company name</label>
              <input id="org" autoComplete="organization" required value={organisation} onChange={(e) => setOrganisation(e.target.value)} />
            </>
          ) : null}
          <Notice problem={problem} />
          <button className="btn" type="submit" disabled={busy}>{mode === "sign-up" ? "Email me a link" : "Email me a sign-in link"}</button>
          <p className="muted">
            {mode === "sign-up" ? <>Already have an account? <a href="/buy/sign-in" onClick={onLink}>Sign in</a></> : <>New here? <a href="/buy/sign-up" onClick={onLink}>Create an account</a></>}
          </p>
        </form>
      ) : (
        <form onSubmit={verify}>
          <p role="status">Check your inbox: we sent a link to <strong>{email}</strong>. Open it on this device, or paste the code from the email here. It works once, for 15 minutes.</p>
          <label htmlFor="code">Code from the email</label>
          <input id="code" ref={codeInput} autoComplete="one-time-code" inputMode="text" required value={code} onChange={(e) => setCode(e.target.value)} placeholder="ABCD-EFGH" />
          <Notice problem={problem} />
          <button className="btn" type="submit" disabled={busy}>Sign in</button>
          <button className="link" type="button" onClick={() => { setSent(false); setCode(""); setProblem(null); }}>Use another email or send a new link</button>
        </form>
      )}
      {busy && !sent ? <p role="status">Signing you in…</p> : null}
    </section>
  );
}
