import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The buyer and recipient storefront. `vite build` writes static assets to storefront/dist,
// which the core api serves (DESIGN.md section 3).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
  },
});
