// Typing into the lab's console as a person does, and reading the reply.
import { expect, type Page } from '@playwright/test';

export async function run(page: Page, command: string): Promise<string> {
  const entries = page.getByRole('log', { name: 'Console output' }).locator('.entry');
  const before = await entries.count();
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.fill(command);
  await input.press('Enter');
  await expect(entries).toHaveCount(before + 1);
  return (await entries.last().locator('.reply').textContent()) ?? '';
}
