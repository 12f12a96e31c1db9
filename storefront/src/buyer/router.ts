import { useEffect, useState } from "react";

/** A small history router: the buyer app has a handful of pages under /buy. */
export type Route =
  | { page: "home" }
  | { page: "sign-in"; mode: "sign-in" | "sign-up" }
  | { page: "account" }
  | { page: "order"; id: string }
  | { page: "brand"; slug: string }
  | { page: "build"; slug: string }
  | { page: "not-found" };

export function parseRoute(pathname: string): Route {
  const p = pathname.replace(/\/+$/, "") || "/buy";
  if (p === "/buy") return { page: "home" };
  if (p === "/buy/sign-in") return { page: "sign-in", mode: "sign-in" };
  if (p === "/buy/sign-up") return { page: "sign-in", mode: "sign-up" };
  if (p === "/buy/account") return { page: "account" };
  let m = /^\/buy\/orders\/([0-9a-f-]{36})$/.exec(p);
  if (m) return { page: "order", id: m[1]! };
  m = /^\/buy\/([a-z0-9][a-z0-9-]{0,62})$/.exec(p);
  if (m) return { page: "brand", slug: m[1]! };
  m = /^\/buy\/([a-z0-9][a-z0-9-]{0,62})\/order$/.exec(p);
  if (m) return { page: "build", slug: m[1]! };
  return { page: "not-found" };
}

export function navigate(to: string): void {
  window.history.pushState(null, "", to);
  window.dispatchEvent(new PopStateEvent("popstate"));
  window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener("popstate", on);
    return () => window.removeEventListener("popstate", on);
  }, []);
  return route;
}

/** A link that navigates in the app (and works as a normal link with a modifier key). */
export function onLink(e: { preventDefault(): void; metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; button: number; currentTarget: { getAttribute(n: string): string | null } }) {
  if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
  const href = e.currentTarget.getAttribute("href");
  if (!href?.startsWith("/buy")) return;
  e.preventDefault();
  navigate(href);
}
