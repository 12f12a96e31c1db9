import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The buyer and recipient storefront. `vite build` writes static assets to storefront/dist,
// which the core api serves (DESIGN.md section 3).
export default defineConfig({
  root: import.meta.dirname,
  // Pages are served at /g/<code>, /redeem and /gift; their assets under /s/ so they never
  // collide with the embedded app's.
  base: "/s/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
  },
});
