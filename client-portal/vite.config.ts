import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const appRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// Served by the Settle server at /portal/ (with an index.html fallback for client-side routes).
// In development, `vite --config client-portal/vite.config.ts` proxies the API to the server on port
// SETTLE_DEV_API_PORT (default 3000).
export default defineConfig({
  root: appRoot,
  base: '/portal/',
  plugins: [react()],
  server: {
    fs: { allow: [repoRoot] },
    proxy: { '/api': `http://localhost:${process.env.SETTLE_DEV_API_PORT ?? '3000'}` },
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/portal', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
});
