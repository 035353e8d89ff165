// The lessons played end to end by their visible controls, as a newcomer would: each step's
// measured result is read from the page and checked against what the lesson claims.
import { expect, test, type Page } from '@playwright/test';
import { engineRunning, goTo, openLab } from './support/lab.js';

/** Plays the current step by its button and returns what it measured, label → value. */
async function play(page: Page, action: string): Promise<Record<string, string>> {
  await page.getByRole('button', { name: action, exact: true }).click();
  const result = page.getByTestId('lesson-result');
  await expect(result).toBeVisible({ timeout: 180_000 });
  const measured: Record<string, string> = {};
  for (const row of await result.locator('dl > div').all()) measured[(await row.locator('dt').textContent())!] = (await row.locator('dd').textContent())!;
  return measured;
}

const verdict = (page: Page) => page.getByTestId('lesson-verdict');
const count = (text: string) => Number(text.replace(/,/g, '').match(/^[\d.]+/)![0]);
/** "12 of 1,839 acknowledged writes" → [12, 1839] */
const lostOf = (text: string) => text.replace(/,/g, '').match(/^(\d+) of (\d+)/)!.slice(1).map(Number) as [number, number];

async function openLesson(page: Page, db: string, title: string): Promise<void> {
  await openLab(page, db);
  await goTo(page, 'Lessons');
  await page.getByRole('navigation', { name: 'Lessons' }).getByRole('link', { name: title }).click();
  await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  await engineRunning(page);
}

const nextStep = (page: Page) => page.getByRole('button', { name: 'Next step' }).click();

test('the first screen offers the lessons, and a lesson link opens its step', async ({ page }) => {
  await openLab(page, 'lessons-entry');
  await page.getByRole('link', { name: 'Take the lessons' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Why persist at all' })).toBeVisible();
  await expect(page.getByRole('radio', { name: /^None/ })).toHaveCount(0);
  await expect(page).toHaveURL(/view=lessons&lesson=1&step=1/);
  await expect(page.getByRole('status').filter({ hasText: "not this lesson's" })).toHaveCount(0);
  // The tab on a newcomer's page (the default setup) opens lesson 1 with its own setup too; once the
  // reader has a setup of their own, the tab keeps it and the lesson says so.
  await openLab(page, 'lessons-tab');
  await goTo(page, 'Lessons');
  await expect(page).toHaveURL(/lesson=1&step=1/);
  await expect(page.getByTestId('scenario-summary')).toHaveText(/^None on /);
  await expect(page.getByRole('status').filter({ hasText: "not this lesson's" })).toHaveCount(0);
  await goTo(page, 'Play');
  await page.getByRole('radio', { name: /^AOF every write/ }).check();
  await goTo(page, 'Lessons');
  await expect(page.getByRole('status').filter({ hasText: "not this lesson's" })).toBeVisible();
  // A lesson link without a scenario: the page's default setup is not lesson 1's.
  await page.goto('/?db=lessons-entry#lesson=1&step=2');
  await expect(page.getByRole('heading', { level: 3 })).toHaveText('Step 2 of 2: Now on the live engine');
  await expect(page.getByRole('status').filter({ hasText: "not this lesson's" })).toBeVisible();
  await page.getByRole('button', { name: "Use the lesson's setup" }).click();
  await expect(page.getByRole('status').filter({ hasText: "not this lesson's" })).toHaveCount(0);
});

test('lesson 1: with no persistence, nothing comes back — in a run and on the live engine', async ({ page }) => {
  test.setTimeout(180_000);
  await openLesson(page, 'lesson-1', 'Why persist at all');
  const run = await play(page, 'Run and crash');
  expect(count(run['Acknowledged writes']!)).toBeGreaterThan(0);
  expect(run['Recovered after the restart']).toBe('0');
  expect(run['Files on disk']).toBe('none');
  await expect(verdict(page)).toContainText('Held in this run');
  await nextStep(page);
  const live = await play(page, 'Write, then kill the process');
  expect(count(live['Keys before the crash']!)).toBeGreaterThan(0);
  expect(live['Keys after the restart']).toBe('0');
  await expect(verdict(page)).toContainText('Held in this run');
});

test('lesson 3: always loses nothing, everysec a little within its promise and costs less; appendfsync no survives a process crash only', async ({ page }) => {
  test.setTimeout(300_000);
  await openLesson(page, 'lesson-3', 'The append-only file and fsync');
  const power = await play(page, 'Run both and cut the power');
  expect(lostOf(power['always lost']!)[0]).toBe(0);
  const [everysecLost] = lostOf(power['everysec lost']!);
  expect(everysecLost).toBeGreaterThan(0);
  await expect(verdict(page)).toContainText('Held in this run');
  await nextStep(page);
  const kinds = await play(page, 'Crash the process, then cut the power');
  expect(lostOf(kinds['Process crash lost']!)[0]).toBe(0);
  expect(lostOf(kinds['Power loss lost']!)[0]).toBeGreaterThan(0);
  await nextStep(page);
  const cost = await play(page, 'Offer a heavy load to both');
  expect(count(cost['always: acknowledged writes/s']!)).toBeLessThan(count(cost['everysec: acknowledged writes/s']!));
  await expect(verdict(page)).toContainText('Held in this run');
  await nextStep(page);
  const claim = await play(page, 'Crash it at many instants');
  expect(count(claim['Power losses measured']!)).toBeGreaterThan(0);
  expect(count(claim['Worst loss window']!)).toBeGreaterThan(0);
  expect(count(claim['Worst loss window']!)).toBeLessThanOrEqual(2000);
  await page.screenshot({ path: 'test-results/lesson-3.png', fullPage: true });
});

test('lessons 4 and 5: a rewrite compacts the AOF, automatically too; the hybrid base is an RDB', async ({ page }) => {
  test.setTimeout(300_000);
  await openLesson(page, 'lesson-4', 'Rewrite and compaction');
  await play(page, 'Run the workload');
  await nextStep(page);
  const rewrite = await play(page, 'Run the same with a rewrite near the end');
  expect(rewrite['Files now (listed in the manifest)']).toMatch(/appendonly\.aof\.2\.base\.rdb/);
  await expect(verdict(page)).toContainText('Held in this run');
  await nextStep(page);
  const auto = await play(page, 'Run with a small threshold');
  expect(count(auto['Rewrites Redis started']!)).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Next lesson' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Hybrid persistence' })).toBeVisible();
  const hybrid = await play(page, 'Run, rewrite and restart');
  expect(hybrid['Base file']).toMatch(/\.base\.rdb/);
  await expect(verdict(page)).toContainText('Held in this run');
  await nextStep(page);
  const both = await play(page, 'Run both and time the restart');
  const size = (text: string) => count(text) * (text.includes('MiB') ? 1024 * 1024 : text.includes('KiB') ? 1024 : 1);
  expect(size(both['RDB base']!)).toBeLessThan(size(both['Command base']!));
});

test('lessons 6 to 8: six options in one table, failover from memory, and a backup through a disaster', async ({ page }) => {
  test.setTimeout(300_000);
  await openLesson(page, 'lesson-6', 'The six options side by side');
  await play(page, 'Run all six');
  const table = page.getByRole('table', { name: 'Comparison' });
  await expect(table.getByRole('columnheader')).toHaveCount(7);
  await expect(verdict(page)).toContainText('Held in this run');
  await page.getByRole('button', { name: 'Next lesson' }).click();
  const failover = await play(page, 'Fail the primary');
  expect(failover['Recovered from']).toBe("the replica's memory");
  await expect(verdict(page)).toContainText('Held in this run');
  await nextStep(page);
  const both = await play(page, 'Lose both');
  expect(both['Recovered from']).toBe('the disk');
  await page.getByRole('button', { name: 'Next lesson' }).click();
  const backup = await play(page, 'Write keys and back up');
  const keys = count(backup['Backed up']!);
  expect(keys).toBeGreaterThanOrEqual(1000);
  await nextStep(page);
  const disaster = await play(page, 'Lose memory and disks');
  expect(disaster['Keys after the restart']).toBe('0');
  await nextStep(page);
  const restore = await play(page, 'Restore the newest backup');
  expect(count(restore['Keys restored']!)).toBe(keys);
  expect(count(restore['Keys live now']!)).toBe(keys);
  await expect(verdict(page)).toContainText('Held in this run');
});

test('lesson 2: BGSAVE answers before SAVE; a crash loses what came after the last snapshot', async ({ page }) => {
  test.setTimeout(300_000);
  await openLesson(page, 'lesson-2', 'Snapshots (RDB)');
  const saves = await play(page, 'Fill the engine, then SAVE and BGSAVE');
  expect(count(saves['Keys in memory']!)).toBeGreaterThanOrEqual(50_000);
  await expect(verdict(page)).toContainText('Held in this run');
  await nextStep(page);
  const crash = await play(page, 'Run four hours and pull the plug');
  expect(count(crash['Snapshots completed']!)).toBeGreaterThanOrEqual(3);
  expect(lostOf(crash['Lost']!)[0]).toBeGreaterThan(0);
  await expect(verdict(page)).toContainText('Held in this run');
  await nextStep(page);
  await play(page, 'Compare the files');
  await expect(verdict(page)).toContainText('Held in this run');
});
