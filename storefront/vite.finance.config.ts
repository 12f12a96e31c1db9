import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The finance console for platform staff: its own build (storefront/dist-finance), served by
// the core api at /finance with its assets under /finance/assets/.
export default defineConfig({
  root: import.meta.dirname,
  base: "/finance/",
  plugins: [react()],
  build: {
    outDir: "dist-finance",
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: { input: "finance.html" },
  },
});
