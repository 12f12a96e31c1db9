import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { correctAddress, isExpiredToken, loadGift, openGift, RecipientSession, redeemGift, sendThankYou, tokenStore, type Result } from "./api.ts";
import type { AddressDraft, Choice, Gift, Problem } from "./gift-types.ts";

export interface GiftApi {
  loadGift: (token: string) => Promise<Result<Gift>>;
  redeemGift: (token: string, variantId: string, address: AddressDraft) => Promise<Result<Gift>>;
  openGift: (code: string) => Promise<Result<{ token: string }>>;
  correctAddress: (token: string, address: AddressDraft) => Promise<Result<Gift>>;
  sendThankYou: (token: string, message: string) => Promise<Result<Gift>>;
}

export const defaultApi: GiftApi = { loadGift, redeemGift, openGift, correctAddress, sendThankYou };

/** Where the recipient is with a gift still to choose: the choice, the address, the review. */
export type Step = { kind: "choose"; previous?: Choice } | { kind: "address"; choice: Choice } | { kind: "review"; choice: Choice };

/** Ids of the elements focus moves to when the page changes under the recipient. */
export const FOCUS = {
  choose: "choose-title",
  address: "address-title",
  review: "review-title",
  status: "status-title",
  ended: "ended-title",
  stock: "stock-alert",
  edit: "edit-address-title",
  locked: "address-locked",
} as const;

/**
 * The gift behind a token, loaded once (unless the page was given one), and the session its
 * calls go through (it renews an expired token with the gift code when the page has it).
 */
export function useGift(token: string, code: string | null, api: GiftApi, initialGift: Gift | undefined) {
  const session = useRef<RecipientSession | null>(null);
  session.current ??= new RecipientSession(token, code, api.openGift);
  const [gift, setGift] = useState<Gift | null>(initialGift ?? null);
  const [loadProblem, setLoadProblem] = useState<Problem | null>(null);

  useEffect(() => {
    if (initialGift) return;
    let live = true;
    void session.current!.run(api.loadGift).then((r) => {
      if (!live) return;
      if (r.ok) setGift(r.value);
      else setLoadProblem(r.problem);
    });
    return () => {
      live = false;
    };
  }, [token]);

  return { gift, setGift, loadProblem, session: session.current };
}

/**
 * Focus (and scroll to) what just changed: the next step's heading, the outcome, an alert.
 * `moveFocus(id)` names the element; it takes focus once the page has rendered.
 */
export function useFocusAfterRender(): (id: string) => void {
  const focusNext = useRef<string | null>(null);
  useLayoutEffect(() => {
    const id = focusNext.current;
    if (!id) return;
    focusNext.current = null;
    const el = document.getElementById(id);
    if (!el) return;
    el.focus({ preventScroll: true });
    el.scrollIntoView?.({ block: "start" });
  });
  return (id: string) => (focusNext.current = id);
}

export type GiftFlow = ReturnType<typeof useGiftFlow>;

/**
 * What the recipient does with a loaded gift, and what the page shows meanwhile: the step,
 * the address draft, the last problem; redeeming, correcting the address and thanking the
 * sender, each of which shows the gift as it then stands.
 */
export function useGiftFlow(gift: Gift | null, setGift: (gift: Gift) => void, session: RecipientSession, api: GiftApi, moveFocus: (id: string) => void) {
  const [step, setStep] = useState<Step>({ kind: "choose" });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // What the recipient typed survives going back to the choice (or a sold-out choice).
  const [draft, setDraft] = useState<AddressDraft | null>(null);
  const [formErrors, setFormErrors] = useState(0);
  // After redeeming: the address being corrected (null: not editing).
  const [editing, setEditing] = useState<AddressDraft | null>(null);

  const reload = async (): Promise<Gift | null> => {
    const fresh = await session.run(api.loadGift);
    return fresh.ok ? fresh.value : null;
  };

  /** Moves to a step of the choice, without the last attempt's problem. */
  function goTo(next: Step, focus: string) {
    setProblem(null);
    setStep(next);
    moveFocus(focus);
  }

  async function confirm(choice: Choice, address: AddressDraft) {
    setBusy(true);
    setProblem(null);
    const r = await session.run((t) => api.redeemGift(t, choice.variantId, address));
    if (r.ok) {
      setBusy(false);
      setGift(r.value);
      moveFocus(FOCUS.status);
      return;
    }
    const p = r.problem;
    if (isExpiredToken(p)) tokenStore.clear();
    if (p.code === "out_of_stock") {
      const fresh = await reload();
      if (fresh) setGift(fresh);
      setStep({ kind: "choose" });
      moveFocus(FOCUS.stock);
    } else if (p.code === "already_redeemed" || p.code === "unavailable" || p.code === "expired" || p.code === "on_hold") {
      // The gift changed under the form: show what it is now, not the form.
      const fresh = await reload();
      const status = p.code === "expired" ? "expired" : p.code === "unavailable" ? "canceled" : p.code === "on_hold" ? "on_hold" : null;
      if (fresh && fresh.status !== "available") setGift(fresh);
      else if (status) setGift({ ...gift!, status });
      moveFocus(p.code === "already_redeemed" && fresh?.redemption ? FOCUS.status : FOCUS.ended);
    } else {
      // Anything about the address (a field, the country, an expired session) is shown on the form.
      setStep({ kind: "address", choice });
      moveFocus(FOCUS.address);
    }
    setBusy(false);
    setProblem(p);
  }

  async function saveAddress(address: AddressDraft) {
    setBusy(true);
    setProblem(null);
    const r = await session.run((t) => api.correctAddress(t, address));
    setBusy(false);
    if (r.ok) {
      setGift(r.value);
      setEditing(null);
      moveFocus(FOCUS.status);
      return;
    }
    if (isExpiredToken(r.problem)) tokenStore.clear();
    if (r.problem.code === "already_ordered" || r.problem.code === "unavailable") {
      // The brand started on the order meanwhile: the address stays as it was.
      const fresh = await reload();
      if (fresh) setGift(fresh);
      setEditing(null);
      moveFocus(FOCUS.locked);
    }
    setProblem(r.problem);
  }

  async function thank(message: string): Promise<Problem | null> {
    const r = await session.run((t) => api.sendThankYou(t, message));
    if (r.ok) {
      setGift(r.value);
      return null;
    }
    if (r.problem.code === "already_sent") {
      const fresh = await reload();
      if (fresh) setGift(fresh);
      return null;
    }
    return r.problem;
  }

  return { step, busy, problem, setProblem, draft, setDraft, formErrors, setFormErrors, editing, setEditing, goTo, moveFocus, confirm, saveAddress, thank };
}
