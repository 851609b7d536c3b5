import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The SPA lives in web/; the server serves web/dist with an SPA fallback.
// `npm run dev:web` proxies the API to a Portico server on :3000 (PORTICO_API_URL to change it).
export default defineConfig({
  root: "web",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      "/api": { target: process.env.PORTICO_API_URL ?? "http://localhost:3000", changeOrigin: false },
    },
  },
});
