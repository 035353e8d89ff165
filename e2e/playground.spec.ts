// One playground, one scenario: what a person sets up with the page's controls is what runs,
// what the link shares and what a restart says it will read.
import { expect, test, type Page } from '@playwright/test';
import { run } from './support/console.js';
import { choosePolicy, confirmWith, engineRunning, goTo, lastEvent, openLab } from './support/lab.js';

const reportOf = async (page: Page) => {
  await goTo(page, 'Scenario');
  await page.getByRole('button', { name: 'Run scenario' }).click();
  await expect(page.getByTestId('scenario-verdict')).toBeVisible({ timeout: 60_000 });
  await page.getByText('Full report').click();
  const { recoveryMs: _measuredEachTime, ...report } = JSON.parse((await page.getByTestId('scenario-report').textContent())!);
  return report as Record<string, unknown>;
};

test('a setup made with the controls is shared by Copy link: a fresh browser opens the same setup and gets the same report', async ({ page, browser }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await openLab(page, 'share-from');
  await choosePolicy(page, 'AOF every write');
  await page.getByLabel('Rate').selectOption({ label: '1,000 writes/s' });
  await page.getByLabel('Distinct keys per type', { exact: true }).selectOption({ label: '1,000' });
  await goTo(page, 'Scenario');
  // Typed values apply when the field is left, as a person tabs on.
  await page.getByLabel('Crash at (seconds)').fill('4.6');
  await page.getByLabel('Crash at (seconds)').press('Tab');
  await page.getByLabel('Duration (seconds)').fill('5');
  await page.getByLabel('Duration (seconds)').press('Tab');
  await page.getByLabel('Seed').fill('77');
  await page.getByLabel('Seed').press('Tab');
  await expect(page.getByTestId('scenario-summary')).toContainText(/runs 5(\.0)? s/);
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByRole('button', { name: 'Link copied' })).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain('#');
  const summary = await page.getByTestId('scenario-summary').textContent();
  const mine = await reportOf(page);

  const stranger = await browser.newContext();
  try {
    const theirs = await stranger.newPage();
    await theirs.goto(link.replace('db=share-from', 'db=share-to'));
    await engineRunning(theirs);
    await expect(theirs.getByTestId('scenario-summary')).toHaveText(summary!);
    await goTo(theirs, 'Play');
    await expect(theirs.getByRole('radio', { name: 'AOF every write' })).toBeChecked();
    await expect(theirs.getByLabel('Rate').locator('option:checked')).toHaveText('1,000 writes/s');
    await expect(theirs.getByLabel('Distinct keys per type', { exact: true }).locator('option:checked')).toHaveText('1,000');
    expect(await reportOf(theirs)).toEqual(mine);
  } finally {
    await stranger.close();
  }
});

test('the address follows the view and the scenario; Back returns to the previous view', async ({ page }) => {
  await openLab(page, 'deep-links');
  await goTo(page, 'Compare');
  await expect(page).toHaveURL(/#view=compare/);
  await expect(page.getByRole('heading', { name: 'Compare all seven policies' })).toBeVisible();
  await goTo(page, 'Files');
  await expect(page).toHaveURL(/#view=files/);
  await page.goBack();
  await expect(page.getByRole('heading', { name: 'Compare all seven policies' })).toBeVisible();
  await goTo(page, 'Play');
  await choosePolicy(page, 'Snapshot every 6 hours');
  const url = page.url();
  await page.goto('about:blank');
  await page.goto(url);
  await engineRunning(page);
  await expect(page.getByRole('radio', { name: 'Snapshot every 6 hours' })).toBeChecked();
});

test('a policy change keeps the data; Restart from disk says first what it will read, then reads exactly that', async ({ page }) => {
  await openLab(page, 'restart');
  await choosePolicy(page, 'None');
  for (let i = 0; i < 5; i++) expect(await run(page, `SET before-${i} x`)).toBe('OK');
  await choosePolicy(page, 'Snapshot every 1 hour');
  expect(await run(page, 'DBSIZE')).toBe('(integer) 5');
  await choosePolicy(page, 'None');
  expect(await run(page, 'DBSIZE')).toBe('(integer) 5');

  // No AOF, no save points, no dump.rdb: the restart brings nothing back, and says so first.
  await page.getByRole('button', { name: 'Restart from disk' }).click();
  await expect(page.getByTestId('restart-preview')).toContainText('none of the 5 keys');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  expect(await run(page, 'DBSIZE')).toBe('(integer) 5');

  // With the AOF on, SHUTDOWN fsyncs it and everything comes back.
  await choosePolicy(page, 'AOF every 1 second');
  await page.getByRole('button', { name: 'Restart from disk' }).click();
  await expect(page.getByTestId('restart-preview')).toContainText('all 5 keys come back');
  await page.getByRole('dialog').getByRole('button', { name: 'Restart', exact: true }).click();
  await engineRunning(page);
  await expect(page.getByTestId('crash-outcome')).toContainText('Restart from disk: 5 keys before, 5 after recovery');
  await expect(lastEvent(page)).toContainText('recovered 5 keys from the AOF');

  await choosePolicy(page, 'None');
  await confirmWith(page, 'Restart from disk', 'Restart');
  await engineRunning(page);
  await expect(page.getByTestId('crash-outcome')).toContainText('Restart from disk: 5 keys before, 0 after recovery');
});
