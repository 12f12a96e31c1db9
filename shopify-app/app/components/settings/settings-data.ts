import type { useActionData, useLoaderData } from "@remix-run/react";
import type { action, loader } from "../../routes/app.settings.tsx";

/** The Settings page's loader data (the brand's settings), as the page receives it. */
export type SettingsData = ReturnType<typeof useLoaderData<typeof loader>>;
/** The field errors of the last save. */
export type SettingsErrors = NonNullable<ReturnType<typeof useActionData<typeof action>>>["errors"] | undefined;
