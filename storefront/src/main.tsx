import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("storefront: #root element missing from index.html");

// A gift link (`/redeem?code=...` or `/?code=...`) pre-fills the code.
const initialCode = new URLSearchParams(window.location.search).get("code") ?? undefined;

createRoot(root).render(
  <StrictMode>
    <App {...(initialCode !== undefined ? { initialCode } : {})} />
  </StrictMode>,
);
