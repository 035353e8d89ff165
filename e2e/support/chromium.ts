// The system Chromium (no browser download works here), with the flags this machine needs.
import { existsSync } from 'node:fs';
import { devices, type Project } from '@playwright/test';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export const chromiumProject: Project = {
  name: 'chromium',
  use: {
    ...devices['Desktop Chrome'],
    launchOptions: {
      ...(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {}),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
};

/**
 * The lab served on `port` for the run: the production build, as people get it (pages start in
 * half the time of the dev server's on-demand transforms), with the test fixture pages built beside
 * it. E2E_DEV=1 uses the dev server.
 */
export function viteServer(port: number) {
  const host = `--port ${port} --strictPort --host 127.0.0.1`;
  return {
    command: process.env.E2E_DEV ? `npx vite ${host}` : `LAB_E2E_FIXTURES=1 npx vite build --logLevel warn && npx vite preview ${host}`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  };
}
