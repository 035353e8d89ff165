// `npm run bench:browser`: the browser benchmarks in the system Chromium (see e2e/bench/).
import { defineConfig } from '@playwright/test';
import { chromiumProject, viteServer } from './e2e/support/chromium.js';

const PORT = 5176;

export default defineConfig({
  testDir: 'e2e/bench',
  testMatch: '**/*.bench.ts',
  outputDir: 'bench-results/browser-run',
  workers: 1,
  reporter: 'list',
  use: { baseURL: `http://127.0.0.1:${PORT}` },
  projects: [chromiumProject],
  webServer: viteServer(PORT),
});
