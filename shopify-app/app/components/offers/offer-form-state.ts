import type { useLoaderData } from "@remix-run/react";
import { useEffect, useMemo, useState } from "react";
import type { loader } from "../../routes/app.offers.$offerId.tsx";
import { itemValues, type PickedProduct } from "../offer-products.tsx";
import { moneyInputValue } from "../../lib/format.ts";

/** The offer page's loader data, as the page receives it. */
export type OfferData = ReturnType<typeof useLoaderData<typeof loader>>;

/** The form's fields that can carry an error message. */
export type FieldKey = "name" | "description" | "kind" | "price" | "startsAt" | "endsAt" | "expiryDays" | "items" | "currency";
export type Errors = Partial<Record<FieldKey, string>>;

/** The offer as edited: text fields as typed, products as picked. */
export interface Fields {
  name: string;
  description: string;
  kind: string;
  price: string;
  startsAt: string;
  endsAt: string;
  expiryDays: string;
  items: PickedProduct[];
}

/** Changes one field and clears that field's error. */
export type SetField = <K extends keyof Fields>(key: K, value: Fields[K], errorKey?: FieldKey) => void;

/** What saving would send: two states with one signature need no save. */
const signature = (f: Fields) => JSON.stringify({ ...f, items: itemValues(f.items) });

/** The form's state as the loader gave it (what "Discard" goes back to). */
function initialFields(data: OfferData): Fields {
  const { offer } = data;
  return {
    name: offer?.name ?? "",
    description: offer?.description ?? "",
    kind: offer?.kind ?? "single",
    price: offer ? moneyInputValue(offer.price.amount, offer.price.currency) : "",
    startsAt: offer?.startsAt?.slice(0, 10) ?? "",
    endsAt: offer?.endsAt?.slice(0, 10) ?? "",
    expiryDays: String(data.defaultExpiryDays),
    items: data.products as PickedProduct[],
  };
}

/**
 * The offer form's state: its fields, the errors the last save reported (each cleared as its
 * field changes), products the picker could not add, and whether anything is unsaved.
 */
export function useOfferFields(data: OfferData, result: { errors: Errors } | undefined) {
  const initial = useMemo(() => initialFields(data), [data]);
  const [f, setF] = useState<Fields>(initial);
  const [errors, setErrors] = useState<Errors>(result?.errors ?? {});
  const [missing, setMissing] = useState<string[]>([]);
  const dirty = signature(f) !== signature(initial);

  useEffect(() => setErrors(result?.errors ?? {}), [result]);

  /** Changing a field clears its error: the message was about the value that is gone. */
  const set: SetField = (key, value, errorKey = key as FieldKey) => {
    setF((prev) => ({ ...prev, [key]: value }));
    setErrors((e) => (e[errorKey] ? { ...e, [errorKey]: undefined } : e));
  };
  const discard = () => {
    setF(initial);
    setErrors({});
    setMissing([]);
  };

  return { f, setF, set, errors, missing, setMissing, dirty, discard };
}
