// Moving around the lab as a person does: the engine's status, the views by their links, the
// policy and storage by their labels.
import { expect, type Locator, type Page } from '@playwright/test';

export type StorageLabel = 'OPFS (file system)' | 'IndexedDB';

export const engineStatus = (page: Page): Locator => page.getByRole('status', { name: 'Engine' });

export async function engineRunning(page: Page, timeout?: number): Promise<void> {
  await expect(engineStatus(page)).toHaveText('Engine running', { timeout: timeout ?? 30_000 });
}

/** Opens the lab on its own database (`?db=`), optionally on a scenario link's hash. */
export async function openLab(page: Page, db: string, hash = ''): Promise<void> {
  await page.goto(`/?db=${db}${hash}`);
  await engineRunning(page);
}

export async function goTo(page: Page, view: 'Play' | 'Scenario' | 'Compare' | 'Explore' | 'Files' | 'Replication & backups' | 'Lessons'): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: view, exact: true }).click();
}

export async function chooseStorage(page: Page, storage: StorageLabel): Promise<void> {
  await page.getByLabel('Storage').selectOption({ label: storage });
  await engineRunning(page);
}

/** A preset on the Play view: applied at run time, as CONFIG SET applies it. */
export async function choosePolicy(page: Page, policy: string): Promise<void> {
  const radio = page.getByRole('radio', { name: policy });
  await radio.check();
  await expect(radio).toBeChecked();
  await engineRunning(page);
}

export const lastEvent = (page: Page): Locator => page.getByTestId('last-event');

/** The number a test id shows, commas removed. */
export async function numberIn(page: Page, testId: string): Promise<number> {
  return Number((await page.getByTestId(testId).textContent())!.replace(/,/g, ''));
}

/** Every number in a test id's text, in order. */
export async function numbersIn(page: Page, testId: string): Promise<number[]> {
  return (await page.getByTestId(testId).textContent())!.match(/\d[\d,.]*/g)!.map((n) => Number(n.replace(/,/g, '')));
}

/** Answers a confirmation dialog opened by `button` with `confirm`. */
export async function confirmWith(page: Page, button: string, confirm: string): Promise<void> {
  await page.getByRole('button', { name: button, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: confirm, exact: true }).click();
}
