import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The recipient pages (index.html) and the buyer storefront (buyer.html). `vite build` writes
// static assets to storefront/dist, which the core api serves (DESIGN.md section 3).
export default defineConfig({
  root: import.meta.dirname,
  // Pages are served at /g/<code>, /redeem, /gift and /buy/...; their assets under /s/ so they
  // never collide with the embedded app's.
  base: "/s/",
  plugins: [react()],
  worker: { format: "es" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: { input: { index: "index.html", buyer: "buyer.html" } },
  },
});
