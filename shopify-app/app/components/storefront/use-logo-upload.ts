import { useFetcher } from "@remix-run/react";
import { useState } from "react";
import type { StorefrontAction } from "./storefront-data.ts";
import { useToastOnSuccess } from "./use-toast-on-success.ts";

/** The logo upload: a dropped image is sent at once; a file the logo rules refuse gets an error on the spot, instead of nothing happening. */
export function useLogoUpload(maxMb: number) {
  const fetcher = useFetcher<StorefrontAction>();
  const [error, setError] = useState<string | null>(null);
  useToastOnSuccess(fetcher);

  const upload = (files: File[]) => {
    const file = files[0];
    if (!file) return;
    const form = new FormData();
    form.set("intent", "logo");
    form.set("logo", file);
    fetcher.submit(form, { method: "post", encType: "multipart/form-data" });
  };
  const drop = (accepted: File[], rejected: File[]) => {
    const refused = rejected[0] ?? accepted.find((f) => f.size > maxMb * 1024 * 1024);
    if (refused) {
      const kind = refused.type ? refused.type.replace(/^image\//, "").toUpperCase() : "file of unknown type";
      setError(
        rejected[0]
          ? `${refused.name} is a ${kind}: use a PNG, JPEG or WebP image.`
          : `${refused.name} is ${(refused.size / 1024 / 1024).toFixed(1)} MB: use an image of at most ${maxMb} MB.`,
      );
      return;
    }
    setError(null);
    upload(accepted);
  };

  return { fetcher, error, drop };
}

export type LogoUpload = ReturnType<typeof useLogoUpload>;
