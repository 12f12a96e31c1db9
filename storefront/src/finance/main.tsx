import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { loadMe, type Me } from "./api.ts";
import { Layout, PAGES, type PageKey } from "./Layout.tsx";
import { SignIn } from "./SignIn.tsx";
import "./finance.css";

const root = document.getElementById("root");
if (!root) throw new Error("finance console: #root element missing");

function pageFromPath(pathname: string): PageKey {
  const key = pathname.replace(/^\/finance\/?/, "").split("/")[0] ?? "";
  return (PAGES.find((p) => p.key === key)?.key ?? "") as PageKey;
}

function Console() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [page, setPage] = useState<PageKey>(() => pageFromPath(location.pathname));
  useEffect(() => {
    void loadMe().then(setMe);
    const onPop = () => setPage(pageFromPath(location.pathname));
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);
  if (me === undefined) return <p className="loading">Loading…</p>;
  if (me === null) return <SignIn />;
  const go = (key: PageKey) => {
    history.pushState(null, "", `/finance${key ? `/${key}` : ""}`);
    setPage(key);
  };
  return <Layout me={me} page={page} go={go} onSignedOut={() => setMe(null)} />;
}

createRoot(root).render(
  <StrictMode>
    <Console />
  </StrictMode>,
);
