import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireVendor } from "../context.server.ts";
import { getManifest, manifestDownloadUrl } from "@giftloop/core/fulfillment/manifests/manifests.service";

/**
 * A packing manifest's status for the Orders page (polled while the job builds it), with a
 * fresh expiring download link once ready. Resource route: data only. Another shop's id is
 * not found (manifests are stored under the vendor's own key prefix).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const loader = async (args: LoaderFunctionArgs) => {
  const { deps, ctx } = await requireVendor(args);
  const id = args.params.manifestId ?? "";
  const manifest = UUID.test(id) ? await getManifest(ctx, deps, id) : undefined;
  if (!manifest) throw new Response("Not found", { status: 404 });
  return Response.json(
    {
      status: manifest.status,
      units: manifest.units ?? null,
      pages: manifest.pages ?? null,
      truncated: manifest.truncated ?? false,
      downloadUrl: await manifestDownloadUrl(deps, manifest, 10 * 60),
    },
    { headers: { "cache-control": "no-store" } },
  );
};
