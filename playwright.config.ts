// e2e in the system Chromium (no browser download works here): Vite serves the lab on its own
// port for the run; every test reads like a person using the page.
import { defineConfig } from '@playwright/test';
import { chromiumProject, viteServer } from './e2e/support/chromium.js';

const PORT = 5174;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 60_000,
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
  },
  projects: [chromiumProject],
  webServer: viteServer(PORT),
});
