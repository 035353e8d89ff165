// The built page from a plain static host under a sub-path (/lab/, as a GitHub project page is
// served): a new user's first visit — the engine starts on OPFS, the console answers, IndexedDB
// works, a shared link opens its scenario, which runs in the worker and exports — with no
// request outside /lab/ and none failing; a new build published is what the next load shows;
// then the host goes away and the page still loads and runs from the service worker's cache.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { DEFAULT_SCENARIO, type Scenario } from '../src/scenario/scenario.js';
import { encodeScenario } from '../src/scenario/url.js';
import { run } from './support/console.js';
import { chooseStorage, engineRunning, goTo } from './support/lab.js';

/** What the static host serves (playwright.static.config.ts builds it). */
const DIST = 'dist-static';
const shared: Scenario = { ...DEFAULT_SCENARIO, preset: 'aof-always', seed: 7, durationMs: 3_000, events: [{ at: 2_500, kind: 'crash', crash: 'power' }] };

test('a first visit under /lab/, a shared link, then offline', async ({ page, context, baseURL }) => {
  const host = (path: string) => fetch(`${baseURL}${path}`, { method: 'POST' });
  const problems: string[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (response.status() >= 400 || (url.origin === new URL(baseURL!).origin && !url.pathname.startsWith('/lab/'))) problems.push(`${response.status()} ${url.pathname}`);
  });
  await page.goto('/lab/');
  await engineRunning(page);
  await expect(page.getByLabel('Storage')).toHaveValue('opfs');
  expect(await run(page, 'SET greeting hello')).toBe('OK');
  expect(await run(page, 'GET greeting')).toBe('"hello"');

  await chooseStorage(page, 'IndexedDB');
  expect(await run(page, 'SET on-indexeddb 1')).toBe('OK');

  // A link someone shared: it opens its scenario, which runs in the worker and exports.
  await page.goto('about:blank');
  await page.goto(`/lab/#s=${encodeScenario(shared)}`);
  await engineRunning(page);
  await expect(page.getByTestId('scenario-summary')).toContainText('seed 7');
  await goTo(page, 'Scenario');
  await page.getByRole('button', { name: 'Run scenario' }).click();
  await expect(page.getByTestId('scenario-verdict')).toContainText('Every acknowledged write was recovered');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export for redis-server' }).click();
  const zip = await download;
  expect(zip.suggestedFilename()).toBe('persistence-lab-aof-always-seed7.zip');
  const dir = mkdtempSync(join(tmpdir(), 'lab-export-'));
  try {
    await zip.saveAs(join(dir, 'export.zip'));
    const listing = execFileSync('unzip', ['-Z1', join(dir, 'export.zip')], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toEqual(['README.md', 'redis.conf', 'scenario.json', 'workload.mjs'].map((name) => `persistence-lab-aof-always-seed7/${name}`));
    execFileSync('unzip', ['-tq', join(dir, 'export.zip')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  expect(problems).toEqual([]);

  // A new build is published: the next load shows it, and the cache moves to its version.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const sw = readFileSync(join(DIST, 'sw.js'), 'utf8');
  const version = /^const VERSION = "([^"]+)";/.exec(sw)![1]!;
  await expect.poll(() => page.evaluate(() => caches.keys())).toEqual([`persistence-lab-${version}`]);
  writeFileSync(join(DIST, 'index.html'), readFileSync(join(DIST, 'index.html'), 'utf8').replace('<title>', '<meta name="lab-build" content="next" />\n    <title>'));
  writeFileSync(join(DIST, 'sw.js'), sw.replace(version, 'next-build'));
  await page.reload();
  await expect(page.locator('meta[name="lab-build"]')).toHaveAttribute('content', 'next');
  // The browser checks sw.js a few seconds after the load, then the new worker caches its build.
  await expect.poll(() => page.evaluate(() => caches.keys()), { timeout: 30_000 }).toEqual(['persistence-lab-next-build']);

  // The host goes away: the page comes back from the service worker's cache, and runs.
  await host('/__host/down');
  try {
    await expect(fetch(`${baseURL}/lab/`)).rejects.toThrow();
    await context.setOffline(true);
    await page.reload();
    await engineRunning(page);
    await expect(page.locator('meta[name="lab-build"]')).toHaveAttribute('content', 'next');
    await expect(page.getByTestId('scenario-summary')).toContainText('seed 7');
    await page.getByRole('button', { name: 'Run scenario' }).click();
    await expect(page.getByTestId('scenario-verdict')).toContainText('Every acknowledged write was recovered');
    await goTo(page, 'Play');
    expect(await run(page, 'SET offline yes')).toBe('OK');
    expect(await run(page, 'GET offline')).toBe('"yes"');
  } finally {
    await context.setOffline(false);
    await host('/__host/up');
  }
});
