import { useBlocker } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { useEffect, useRef } from "react";

/**
 * Leaving with unsaved changes asks first: the admin's leave confirmation (App Bridge)
 * for the app's own links and back action, the browser's for reloads and closing.
 */
export function useLeaveConfirmation(dirty: boolean, saving: boolean) {
  const shopify = useAppBridge();
  const leaving = useRef(false);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && !saving && !leaving.current && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    shopify.saveBar.leaveConfirmation().then(
      () => {
        leaving.current = true;
        blocker.proceed();
      },
      () => blocker.reset(),
    );
  }, [blocker, shopify]);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
}
