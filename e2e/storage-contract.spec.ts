// The FileStore contract in real Chromium: OPFS (sync access handles in a worker) and IndexedDB
// must behave exactly like the in-memory reference.
import { expect, test } from '@playwright/test';

test('OPFS and IndexedDB stores pass the FileStore contract', async ({ page }) => {
  test.setTimeout(150_000);
  await page.goto('/e2e/fixtures/storage-contract.html');
  const handle = await page.waitForFunction(() => (window as unknown as { contractResults?: unknown }).contractResults, null, { timeout: 120_000 });
  const results = (await handle.jsonValue()) as { backend: string; check: string; ok: boolean; error?: string }[];
  expect(results.length).toBeGreaterThanOrEqual(12);
  expect(new Set(results.map((r) => r.backend))).toEqual(new Set(['opfs', 'indexeddb']));
  expect(results.filter((r) => !r.ok)).toEqual([]);
});
