// Vite serves the lab (Svelte 5) and bundles the engine worker as an ES module worker.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [svelte()],
  worker: { format: 'es' },
  server: { port: 5173, strictPort: false, host: '127.0.0.1' },
  preview: { port: 4173, host: '127.0.0.1' },
  build: {
    target: 'es2022',
    // The e2e build also carries the fixture pages the browser tests open (never a release build).
    rollupOptions: process.env.LAB_E2E_FIXTURES ? { input: { main: 'index.html', storageContract: 'e2e/fixtures/storage-contract.html' } } : {},
  },
});
