import { Card, FormLayout, TextField } from "@shopify/polaris";
import { currencySymbol, formatMoney, moneyInputValue, parseMoneyInput } from "../../lib/format.ts";
import type { Errors, Fields, SetField } from "./offer-form-state.ts";

/** The offer's terms: its price per recipient, how long recipients have to redeem, and when it can be ordered. */
export function OfferTermsCard({ f, errors, set, currency }: { f: Fields; errors: Errors; set: SetField; currency: string }) {
  const pricePreview = parseMoneyInput(f.price, currency);
  return (
    <Card>
      <FormLayout>
        <FormLayout.Group>
          <TextField
            label="Price per recipient"
            value={f.price}
            onChange={(v) => set("price", v)}
            autoComplete="off"
            inputMode="decimal"
            prefix={currencySymbol(currency)}
            suffix={currency}
            placeholder={moneyInputValue(4500, currency)}
            helpText={pricePreview !== null ? `Buyers pay ${formatMoney(pricePreview, currency)} per gift, plus shipping.` : "Your B2B price, before shipping."}
            error={errors.price}
          />
          <TextField
            label="Redeem within"
            type="number"
            value={f.expiryDays}
            onChange={(v) => set("expiryDays", v)}
            autoComplete="off"
            suffix="days"
            min={1}
            max={730}
            helpText="After the gift is sent. Unredeemed gifts are refunded to the buyer."
            error={errors.expiryDays}
          />
        </FormLayout.Group>
        <FormLayout.Group>
          <TextField label="Available from" type="date" value={f.startsAt} onChange={(v) => set("startsAt", v)} autoComplete="off" helpText="Leave empty to start now." error={errors.startsAt} />
          <TextField label="Available until" type="date" value={f.endsAt} onChange={(v) => set("endsAt", v)} autoComplete="off" helpText="Leave empty for no end." error={errors.endsAt} />
        </FormLayout.Group>
      </FormLayout>
    </Card>
  );
}
