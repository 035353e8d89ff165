// `npm run demo`: scripted tours of the lab in the system Chromium, each opened from a scenario
// URL, saving screenshots and a WebM video of each to demo-output/ (see e2e/demos/screencast.ts).
import { defineConfig } from '@playwright/test';
import { chromiumProject, viteServer } from './e2e/support/chromium.js';

const PORT = 5175;

export default defineConfig({
  testDir: 'e2e/demos',
  testMatch: '**/*.demo.ts',
  outputDir: 'demo-output/results',
  workers: 1,
  reporter: 'list',
  // A tour plus the replay that encodes its video.
  timeout: 300_000,
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1280, height: 800 },
  },
  projects: [{ ...chromiumProject, use: { ...chromiumProject.use, viewport: { width: 1280, height: 800 } } }],
  webServer: viteServer(PORT),
});
