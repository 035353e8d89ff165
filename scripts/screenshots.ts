// Screenshots of every view at 1280×800 and 390×844, light and dark, from the production build
// served on a local port: what a newcomer sees, to be looked at before a change lands.
// Usage: npm run screenshots [-- VIEW ...]   (writes to screenshots/)
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { chromiumProject } from '../e2e/support/chromium.js';

const PORT = 5199;
const VIEWS = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['play', 'scenario', 'compare', 'explore', 'files', 'replication', 'lessons'];
const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

// vite itself, not through npx: killing npx would leave vite holding the port for the next run.
const server = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'], { stdio: 'ignore' });
try {
  await waitForServer(`http://127.0.0.1:${PORT}/`);
  mkdirSync('screenshots', { recursive: true });
  const browser = await chromium.launch((chromiumProject.use as { launchOptions: Parameters<typeof chromium.launch>[0] }).launchOptions);
  for (const scheme of ['light', 'dark'] as const) {
    for (const size of SIZES) {
      const page = await browser.newPage({ viewport: { width: size.width, height: size.height }, colorScheme: scheme });
      for (const view of VIEWS) {
        await page.goto(`http://127.0.0.1:${PORT}/?db=screens#view=${view}`);
        await page.getByRole('status').first().filter({ hasText: 'Engine running' }).waitFor({ timeout: 30_000 });
        await page.waitForTimeout(600);
        await page.screenshot({ path: `screenshots/${view}-${size.name}-${scheme}.png`, fullPage: true });
      }
      await page.close();
    }
  }
  await browser.close();
} finally {
  server.kill();
}

async function waitForServer(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`vite preview exited with code ${server.exitCode}: is port ${PORT} taken?`);
    try {
      await fetch(url);
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`vite preview did not answer on ${url} within 30 s`, { cause: e });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
