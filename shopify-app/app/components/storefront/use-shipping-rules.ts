import { useFetcher } from "@remix-run/react";
import { useState } from "react";
import { COUNTRIES } from "../../lib/countries.ts";
import { moneyInputValue } from "../../lib/format.ts";
import type { StorefrontAction, StorefrontData } from "./storefront-data.ts";
import { useToastOnSuccess } from "./use-toast-on-success.ts";

/** A shipping rate as edited: `key` tells rows apart while countries change; `country` "*" is everywhere else. */
export interface Rule {
  key: number;
  country: string;
  rate: string;
}

/** The shipping rates as edited on the page, one country each, saved by their own button. */
export function useShippingRules(saved: StorefrontData["rules"], currency: string) {
  const fetcher = useFetcher<StorefrontAction>();
  const [rules, setRules] = useState<Rule[]>(() => saved.map((r, i) => ({ key: i, country: r.country, rate: moneyInputValue(r.rateAmount, currency) })));
  const [nextKey, setNextKey] = useState(saved.length);
  useToastOnSuccess(fetcher);

  const save = () => {
    const form = new FormData();
    form.set("intent", "shipping");
    for (const r of rules) {
      form.append("country", r.country);
      form.append("rate", r.rate);
    }
    fetcher.submit(form, { method: "post" });
  };
  const usedCountries = new Set(rules.map((r) => r.country));
  /** A row's choices: its own country and those no other row has. */
  const countryOptions = (current: string) => [
    ...COUNTRIES.filter(([c]) => c === current || !usedCountries.has(c)).map(([value, label]) => ({ value, label })),
    ...(current === "*" || !usedCountries.has("*") ? [{ value: "*", label: "Everywhere else" }] : []),
  ];
  const change = (key: number, changes: Partial<Omit<Rule, "key">>) => setRules(rules.map((x) => (x.key === key ? { ...x, ...changes } : x)));
  const remove = (key: number) => setRules(rules.filter((x) => x.key !== key));
  /** A new row for the first country without a rate (or everywhere else), free to ship. */
  const add = () => {
    const free = COUNTRIES.find(([c]) => !usedCountries.has(c))?.[0] ?? "*";
    setRules([...rules, { key: nextKey, country: free, rate: moneyInputValue(0, currency) }]);
    setNextKey(nextKey + 1);
  };

  return {
    fetcher,
    errors: fetcher.data && !fetcher.data.ok ? fetcher.data.errors : {},
    rules,
    countryOptions,
    change,
    remove,
    add,
    save,
  };
}

export type ShippingRules = ReturnType<typeof useShippingRules>;
