// The first page: the engine worker starts and the console answers like redis-cli.
import { expect, test, type Page } from '@playwright/test';
import { engineRunning } from './support/lab.js';

async function run(page: Page, command: string): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Command' });
  await input.fill(command);
  await input.press('Enter');
}

function lastReply(page: Page) {
  return page.getByRole('log', { name: 'Console output' }).locator('.entry').last().locator('.reply');
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await engineRunning(page);
});

test('SET, GET and INCR reply as redis-cli prints them', async ({ page }) => {
  await run(page, 'SET a 1');
  await expect(lastReply(page)).toHaveText('OK');
  await run(page, 'GET a');
  await expect(lastReply(page)).toHaveText('"1"');
  await run(page, 'INCR a');
  await expect(lastReply(page)).toHaveText('(integer) 2');
  await run(page, 'GET missing');
  await expect(lastReply(page)).toHaveText('(nil)');
  await run(page, 'RPUSH list a "b c" ""');
  await run(page, 'LRANGE list 0 -1');
  await expect(lastReply(page)).toHaveText('1) "a"\n2) "b c"\n3) ""');
  await expect(page.getByTestId('key-count')).toHaveText('2');
  await page.screenshot({ path: 'test-results/console.png', fullPage: true });
});

test('errors are shown in red with the text Redis gives', async ({ page }) => {
  await run(page, 'FOO bar');
  await expect(lastReply(page)).toHaveText("(error) ERR unknown command 'FOO', with args beginning with: 'bar' ");
  await expect(lastReply(page)).toHaveClass(/error/);
  await expect(lastReply(page)).toHaveCSS('color', 'rgb(255, 123, 114)');
  await run(page, 'SET a "unbalanced');
  // redis-cli refuses the line itself; nothing reaches the server.
  await expect(lastReply(page)).toHaveText('Invalid argument(s)');
  await run(page, 'GET');
  await expect(lastReply(page)).toHaveText("(error) ERR wrong number of arguments for 'get' command");
  await run(page, 'SET n x');
  await run(page, 'INCR n');
  await expect(lastReply(page)).toHaveText('(error) ERR value is not an integer or out of range');
});

test('binary-safe values: escapes in, redis-cli quoting out', async ({ page }) => {
  await run(page, 'SET k "caf\\xc3\\xa9\\r\\n"');
  await run(page, 'GET k');
  await expect(lastReply(page)).toHaveText('"caf\\xc3\\xa9\\r\\n"');
  await run(page, 'SET accent café');
  await run(page, 'STRLEN accent');
  await expect(lastReply(page)).toHaveText('(integer) 5');
});

test('history walks with the arrow keys and keeps the draft', async ({ page }) => {
  const input = page.getByRole('textbox', { name: 'Command' });
  await run(page, 'SET a 1');
  await run(page, 'GET a');
  await input.fill('draft');
  await input.press('ArrowUp');
  await expect(input).toHaveValue('GET a');
  await input.press('ArrowUp');
  await expect(input).toHaveValue('SET a 1');
  await input.press('ArrowDown');
  await expect(input).toHaveValue('GET a');
  await input.press('ArrowDown');
  await expect(input).toHaveValue('draft');
});

test('the prompt follows SELECT and MULTI like redis-cli', async ({ page }) => {
  await run(page, 'SELECT 3');
  await expect(page.locator('.input-row .prompt')).toHaveText('127.0.0.1:6379[3]>');
  await run(page, 'MULTI');
  await expect(page.locator('.input-row .prompt')).toHaveText('127.0.0.1:6379[3](TX)>');
  await run(page, 'INCR x');
  await expect(lastReply(page)).toHaveText('QUEUED');
  await run(page, 'EXEC');
  await expect(lastReply(page)).toHaveText('1) (integer) 1');
  await expect(page.locator('.input-row .prompt')).toHaveText('127.0.0.1:6379[3]>');
});
