// A scenario from a link runs in the browser on real OPFS / IndexedDB and gives the same report
// as the same scenario run in Node on the in-memory disk, apart from the measured recovery time.
import { expect, test } from '@playwright/test';
import { rdbCodec } from '../src/engine/persistence/rdb-codec.js';
import { DEFAULT_SCENARIO, type Scenario } from '../src/scenario/scenario.js';
import { encodeScenario } from '../src/scenario/url.js';
import { runScenario } from '../src/sim/run-scenario.js';
import { MemoryStore } from '../src/storage/memory-store.js';

const scenario: Scenario = {
  ...DEFAULT_SCENARIO,
  preset: 'hybrid',
  durationMs: 8_000,
  seed: 42,
  events: [{ at: 2_000, kind: 'bgsave' }, { at: 4_000, kind: 'bgrewriteaof' }, { at: 7_300, kind: 'crash', crash: 'torn' }],
};

for (const storage of ['OPFS (file system)', 'IndexedDB'] as const) {
  test(`a scenario link replays on ${storage} exactly as in Node`, async ({ page }) => {
    const { recoveryMs: _nodeMs, ...expected } = await runScenario(scenario, { backend: new MemoryStore(), rdb: rdbCodec });
    await page.goto(`/?db=scenario-${storage.slice(0, 4)}#s=${encodeScenario(scenario)}`);
    await expect(page.getByRole('status').first()).toHaveText('Engine running');
    await page.getByLabel('Storage').selectOption({ label: storage });
    await expect(page.getByRole('status').first()).toHaveText('Engine running');
    await page.getByRole('button', { name: 'Run scenario' }).click();
    await expect(page.getByTestId('scenario-verdict')).toBeVisible({ timeout: 60_000 });
    await page.getByText('Full report').click();
    const { recoveryMs: _browserMs, ...actual } = JSON.parse((await page.getByTestId('scenario-report').textContent())!);
    expect(actual).toEqual(expected);
    expect(actual.lostWrites).toBeGreaterThan(0);
    expect(actual.promiseHeld).toBe(true);
  });
}

test('a hostile scenario link loads the default scenario and says why', async ({ page }) => {
  await page.goto(`/#s=${Buffer.from(JSON.stringify({ version: 1, preset: 'format-c', workload: { rate: 1e9 } })).toString('base64url')}`);
  await expect(page.getByRole('alert').filter({ hasText: 'scenario in the link is not valid' })).toContainText('the default scenario is loaded instead');
  await expect(page.getByRole('button', { name: 'Run scenario' })).toBeEnabled();
});

test('a scenario at real-time speed shows its progress and can be cancelled', async ({ page }) => {
  await page.goto(`/?db=scenario-cancel#s=${encodeScenario({ ...scenario, durationMs: 60_000, events: [] })}`);
  await expect(page.getByRole('status').first()).toHaveText('Engine running');
  await page.getByLabel('Speed').selectOption({ label: 'Real time' });
  await page.getByRole('button', { name: 'Run scenario' }).click();
  const progress = page.getByRole('progressbar', { name: 'Scenario progress' });
  await expect(progress).toBeVisible();
  await expect.poll(async () => Number(await progress.getAttribute('value'))).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'cancelled' })).toHaveText('The scenario run was cancelled.');
  await expect(page.getByRole('button', { name: 'Run scenario' })).toBeEnabled();
});
