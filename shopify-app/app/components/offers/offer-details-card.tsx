import { Card, FormLayout, TextField } from "@shopify/polaris";
import type { Errors, Fields, SetField } from "./offer-form-state.ts";

/** The offer's name and description. */
export function OfferDetailsCard({ f, errors, set }: { f: Fields; errors: Errors; set: SetField }) {
  return (
    <Card>
      <FormLayout>
        <TextField label="Name" value={f.name} onChange={(v) => set("name", v)} autoComplete="off" placeholder="Holiday hamper" error={errors.name} maxLength={120} />
        <TextField
          label="Description"
          value={f.description}
          onChange={(v) => set("description", v)}
          autoComplete="off"
          multiline={3}
          helpText="Shown to buyers and recipients."
          error={errors.description}
        />
      </FormLayout>
    </Card>
  );
}
