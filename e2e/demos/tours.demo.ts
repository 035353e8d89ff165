// Three tours of what the lab teaches, each from a scenario URL, each ending in screenshots a
// person can look at in demo-output/, and each recorded as a WebM video there.
import { expect, test, type Page } from '@playwright/test';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario/scenario.js';
import { encodeScenario } from '../../src/scenario/url.js';
import { recordTour } from './screencast.js';

/** A tour with its video: demo-output/<name>.webm. */
function tour(title: string, name: string, steps: (page: Page) => Promise<void>): void {
  test(title, async ({ page }) => {
    const recorded = await recordTour(page, `demo-output/${name}.webm`, () => steps(page));
    expect(recorded, 'this Chromium encodes WebM with MediaRecorder').toBe(true);
  });
}

async function openScenario(page: Page, name: string, scenario: Scenario): Promise<void> {
  await page.goto(`/?db=demo-${name}#s=${encodeScenario(scenario)}`);
  await expect(page.getByRole('status').first()).toHaveText('Engine running');
}

async function shoot(page: Page, name: string, heading: string): Promise<void> {
  await page.getByRole('heading', { name: heading, exact: true }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `demo-output/${name}.png` });
}

tour('everysec loses about a second on power loss', 'everysec', async (page) => {
  await openScenario(page, 'everysec', { ...DEFAULT_SCENARIO, preset: 'aof-everysec', durationMs: 20_000, events: [{ at: 14_800, kind: 'crash', crash: 'power' }] });
  await page.getByRole('button', { name: 'Run scenario' }).click();
  await expect(page.getByTestId('scenario-why')).toContainText('were only in the page cache when the power went', { timeout: 60_000 });
  await shoot(page, 'everysec-power-loss', 'Scenario');
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Comparison' })).toBeVisible({ timeout: 60_000 });
  await shoot(page, 'everysec-compared', 'Compare');
});

tour('a rewrite compacts a hot counter', 'rewrite', async (page) => {
  await openScenario(page, 'rewrite', DEFAULT_SCENARIO);
  await page.getByRole('radio', { name: 'AOF every 1 second' }).check();
  await expect(page.getByRole('status').first()).toHaveText('Engine running');
  const input = page.getByRole('textbox', { name: 'Command' });
  for (let i = 0; i < 100; i++) {
    await input.fill('INCR hot-counter');
    await input.press('Enter');
  }
  await page.getByRole('button', { name: 'Rewrite the AOF' }).click();
  await expect(page.getByTestId('compaction')).toBeVisible();
  await shoot(page, 'rewrite-compaction', 'Persistence');
});

tour('a snapshot every hour loses the last hour', 'hourly', async (page) => {
  await openScenario(page, 'hourly', {
    ...DEFAULT_SCENARIO,
    preset: 'rdb-1h',
    workload: { ...DEFAULT_SCENARIO.workload, rate: 5 },
    durationMs: 2 * 3600_000,
    events: [{ at: 2 * 3600_000 - 600_000, kind: 'crash', crash: 'power' }],
  });
  await page.getByRole('button', { name: 'Run scenario' }).click();
  await expect(page.getByTestId('scenario-why')).toContainText('The last snapshot to complete was taken at', { timeout: 110_000 });
  await shoot(page, 'hourly-snapshot', 'Scenario');
  await page.getByLabel('Crash instants').selectOption('5');
  await page.getByRole('button', { name: 'Explore crashes' }).click();
  await expect(page.getByTestId('explorer-summary')).toBeVisible({ timeout: 110_000 });
  await shoot(page, 'hourly-loss-curve', 'Crash explorer');
});
