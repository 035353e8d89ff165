// Vite serves the lab (Svelte 5) and bundles the engine worker as an ES module worker. The build
// uses relative URLs only, so it works from any path on any static host, and ends with sw.js,
// the service worker that keeps the page working offline (src/ui/service-worker.js).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';

function filesUnder(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(root, join(dir, entry.name)) : [relative(root, join(dir, entry.name)).split('\\').join('/')]));
}

/** Writes sw.js beside the build: the worker's code, after the list of files to cache and a version from their contents. */
function serviceWorker(): Plugin {
  let root = '.';
  let outDir = 'dist';
  return {
    name: 'persistence-lab:service-worker',
    apply: 'build',
    configResolved(config) {
      root = config.root;
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const files = filesUnder(outDir)
        .filter((file) => file !== 'sw.js')
        .sort();
      const hash = createHash('sha256');
      for (const file of files) hash.update(file).update(readFileSync(join(outDir, file)));
      const version = hash.digest('hex').slice(0, 16);
      const assets = ['./', ...files.map((file) => `./${file}`)];
      const code = readFileSync(resolve(root, 'src/ui/service-worker.js'), 'utf8');
      writeFileSync(join(outDir, 'sw.js'), `const VERSION = ${JSON.stringify(version)};\nconst ASSETS = ${JSON.stringify(assets)};\n${code}`);
    },
  };
}

export default defineConfig({
  // Every URL relative, so the built page works from any path (a project page at /repo/, a sub-folder).
  base: './',
  plugins: [svelte(), serviceWorker()],
  worker: { format: 'es' },
  server: { port: 5173, strictPort: false, host: '127.0.0.1' },
  preview: { port: 4173, host: '127.0.0.1' },
  build: {
    target: 'es2022',
    // The e2e build also carries the fixture pages the browser tests and benchmarks open (never a
    // release build): a page missing from it is answered with index.html, which never reports.
    rollupOptions: process.env.LAB_E2E_FIXTURES ? { input: { main: 'index.html', storageContract: 'e2e/fixtures/storage-contract.html', storageBench: 'e2e/bench/storage-bench.html' } } : {},
  },
});
