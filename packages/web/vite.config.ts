import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// While developing, the API runs on its own port; the dev server forwards /api (the terminal's WebSocket too).
const api = process.env.CLAWDSPACE_API ?? "http://127.0.0.1:7777";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: {
    proxy: {
      "/api": { target: api, ws: true, changeOrigin: false },
      "/metrics": { target: api },
    },
  },
});
