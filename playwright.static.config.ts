// The built page on a plain static host under a sub-path (/lab/), as a GitHub project page serves
// it: `vite build` into dist-static/, served by scripts/serve-static.ts. One journey, in the
// system Chromium (e2e/static-host.journey.ts).
import { defineConfig } from '@playwright/test';
import { chromiumProject } from './e2e/support/chromium.js';

const PORT = 5176;

export default defineConfig({
  testDir: 'e2e',
  testMatch: 'static-host.journey.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 90_000,
  use: { baseURL: `http://127.0.0.1:${PORT}`, trace: 'retain-on-failure', acceptDownloads: true },
  projects: [chromiumProject],
  webServer: {
    command: `npx vite build --logLevel warn --outDir dist-static --emptyOutDir && npx tsx scripts/serve-static.ts dist-static /lab/ ${PORT}`,
    url: `http://127.0.0.1:${PORT}/lab/`,
    reuseExistingServer: false,
    timeout: 90_000,
  },
});
