import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// The console is built into web/dist, which the CityLoop server serves at `/` (see docs/adr/0004).
export const config = defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500, sourcemap: false },
  // `npm run dev:web`: the API is the server on 8080.
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/open311': 'http://127.0.0.1:8080' } },
});

export default config;
