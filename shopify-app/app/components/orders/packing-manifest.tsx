import { useFetcher } from "@remix-run/react";
import { Banner, Button } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { action as ordersAction } from "../../routes/app.orders._index.tsx";
import { plural } from "../../lib/format.ts";

type ManifestStatus = { status: "pending" | "ready" | "failed" | "deleted"; units: number | null; pages: number | null; truncated: boolean; downloadUrl: string | null };

/**
 * The packing manifest flow: POST the Orders page's action (the page that calls this hook), then poll the manifest's status route
 * (`/app/orders/manifest/<id>`) until the job has built it, then offer its expiring link.
 */
export function usePackingManifest() {
  const create = useFetcher<typeof ordersAction>();
  const status = useFetcher<ManifestStatus>();
  const [dismissed, setDismissed] = useState<string | null>(null);
  const created = create.data && "manifestId" in create.data ? create.data.manifestId : null;
  const id = created && created !== dismissed ? created : null;
  const current = status.data;
  const { load } = status;
  useEffect(() => {
    if (!id || current?.status === "ready" || current?.status === "failed") return;
    const t = setTimeout(() => load(`/app/orders/manifest/${id}`), current ? 1000 : 300);
    return () => clearTimeout(t);
  }, [id, current, load, status.state]);
  return {
    busy: create.state !== "idle" || (id !== null && current?.status !== "ready" && current?.status !== "failed"),
    state: id ? (current ?? { status: "pending", units: null, pages: null, truncated: false, downloadUrl: null }) : null,
    request: () => {
      setDismissed(null);
      create.submit({ intent: "manifest" }, { method: "post" });
    },
    dismiss: () => setDismissed(id),
  };
}

export function PackingManifestBanner({ state, onDismiss }: { state: ManifestStatus; onDismiss: () => void }) {
  if (state.status === "ready" && state.downloadUrl) {
    return (
      <Banner tone="success" title="Packing manifest ready" onDismiss={onDismiss}>
        <p>
          {plural(state.units ?? 0, "gift")} to pack on {plural(state.pages ?? 0, "page")}
          {state.truncated ? " (the first 1,000; ask again after packing these)" : ""}. The link works for 10 minutes.
        </p>
        <Button url={state.downloadUrl} target="_blank" variant="primary">
          Download PDF
        </Button>
      </Banner>
    );
  }
  if (state.status === "failed" || state.status === "deleted") {
    return (
      <Banner tone="critical" title="The packing manifest could not be built" onDismiss={onDismiss}>
        <p>Please try again.</p>
      </Banner>
    );
  }
  return <Banner tone="info" title="Preparing the packing manifest…">Every redeemed gift that has not shipped yet, with a QR code per gift.</Banner>;
}
