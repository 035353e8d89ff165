// The Files panel: what the lab saved downloads as a dump.rdb that redis-server loads with the
// same digest, and a dump.rdb made by redis-server uploads into the lab with the same digest;
// a corrupt upload is refused with a clear message and changes nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { confirmWith, engineRunning, goTo, lastEvent } from './support/lab.js';
import { RedisServer } from '../tests/support/redis-server.js';
import { run } from './support/console.js';


let dir: string;
test.beforeEach(async ({ page }) => {
  dir = mkdtempSync(join(tmpdir(), 'lab-files-'));
  await page.goto('/?db=files');
  await engineRunning(page);
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** DEBUG DIGEST of what redis-server loads from `dir`. */
async function redisDigestOf(dir: string): Promise<unknown> {
  const redis = await RedisServer.start({ dir });
  try {
    return await redis.command('DEBUG', 'DIGEST');
  } finally {
    await redis.stop();
  }
}

test('a saved dump.rdb downloads and loads in redis-server with the same digest', async ({ page }) => {
  for (const command of ['SET greeting "hello world"', 'RPUSH list a b c', 'HSET h f v', 'ZADD z 1.5 m', 'SADD s 1 2 3', 'SAVE']) await run(page, command);
  const digest = await run(page, 'DEBUG DIGEST');
  await goTo(page, 'Files');
  await expect(page.getByRole('button', { name: 'Download dump.rdb' })).toBeVisible();
  // The annotated view: each record of the real file with its bytes and meaning.
  await page.getByRole('button', { name: 'Inspect dump.rdb' }).click();
  const bytes = page.getByRole('table', { name: 'Bytes of dump.rdb' });
  await expect(bytes.getByRole('row').first()).toContainText('52 45 44 49 53 30 30 31 30');
  await expect(bytes.getByRole('row').first()).toContainText('magic "REDIS" and RDB version 10');
  await expect(bytes).toContainText('AUX "redis-ver" = "7.0.15"');
  await expect(bytes).toContainText('listQuicklist2 key "list" (db 0)');
  await expect(bytes).toContainText('CRC-64 checksum (verified)');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download dump.rdb' }).click()]);
  await download.saveAs(join(dir, 'dump.rdb'));
  expect(await redisDigestOf(dir)).toEqual({ kind: 'status', value: digest });
});

test("redis-server's dump.rdb uploads into the lab with the same digest; a corrupt one is refused", async ({ page }) => {
  const redis = await RedisServer.start({ dir });
  let digest: string;
  try {
    await redis.command('DEBUG', 'POPULATE', '1000');
    await redis.pipeline([['RPUSH', 'list', ...Array.from({ length: 300 }, (_, i) => `item${i}`)], ['HSET', 'hash', 'f', 'v'], ['SAVE']]);
    digest = (await redis.command('DEBUG', 'DIGEST')).value as string;
  } finally {
    await redis.stop();
  }
  await run(page, 'FLUSHALL');
  await goTo(page, 'Files');
  await page.getByLabel('Load an RDB file').setInputFiles(join(dir, 'dump.rdb'));
  await expect(page.getByTestId('upload-result')).toHaveText('Loaded 1,002 keys from dump.rdb.');
  await goTo(page, 'Play');
  expect(await run(page, 'DEBUG DIGEST')).toBe(digest);
  await goTo(page, 'Files');
  // Offline analysis of the uploaded file: types, the biggest key, a prefix filter.
  const byType = page.getByRole('table', { name: 'Keys by type' });
  await expect(byType.getByRole('row', { name: /^string/ })).toContainText('1,000');
  await expect(byType.getByRole('row', { name: /^list/ })).toContainText('1');
  await expect(page.getByTestId('biggest-keys').locator('li').first()).toContainText('list list/quicklist');
  await page.getByPlaceholder('e.g. user:').fill('key:99');
  await expect(page.getByTestId('matching-count')).toHaveText('11 keys');

  const corrupt = Buffer.from(readFileSync(join(dir, 'dump.rdb')));
  corrupt[corrupt.length - 3]! ^= 0xff;
  await page.getByLabel('Load an RDB file').setInputFiles({ name: 'broken.rdb', mimeType: 'application/octet-stream', buffer: corrupt });
  await expect(page.getByRole('alert').filter({ hasText: 'broken.rdb' })).toContainText(/broken\.rdb was not loaded: broken\.rdb, offset \d+: Wrong RDB checksum/);
  await goTo(page, 'Play');
  expect(await run(page, 'DBSIZE')).toBe('(integer) 1002');
});

test('backups survive a disaster: restore brings the data back, and a downloaded backup loads in redis-server', async ({ page }) => {
  for (const command of ['SET a 1', 'RPUSH l x y z', 'HSET h f v', 'SADD s m1 m2']) await run(page, command);
  const digest = await run(page, 'DEBUG DIGEST');
  await goTo(page, 'Replication & backups');
  await page.getByRole('button', { name: 'Back up now' }).click();
  await expect(page.getByTestId('backup-message')).toHaveText('Backed up 4 keys.');
  await goTo(page, 'Play');
  await run(page, 'SET after-backup 1');

  // Disaster asks first; cancelling it changes nothing.
  await goTo(page, 'Replication & backups');
  await confirmWith(page, 'Disaster', 'Cancel');
  await goTo(page, 'Play');
  expect(await run(page, 'DBSIZE')).toBe('(integer) 5');
  await goTo(page, 'Replication & backups');
  await confirmWith(page, 'Disaster', 'Lose memory and disks');
  await expect(page.getByTestId('backup-message')).toHaveText('Disaster: memory, disks and replica are gone. Restore a backup to get the data back.');
  await goTo(page, 'Play');
  await expect(lastEvent(page)).toContainText('Disaster: memory, disks and replica are gone');
  expect(await run(page, 'DBSIZE')).toBe('(integer) 0');

  await goTo(page, 'Replication & backups');
  const restore = page.getByRole('button', { name: /^Restore backup-/ }).first();
  await restore.click();
  await expect(page.getByTestId('backup-message')).toHaveText(/^Restored 4 keys from the backup of \d\d:\d\d:\d\d\.$/);
  await goTo(page, 'Play');
  expect(await run(page, 'DEBUG DIGEST')).toBe(digest);
  expect(await run(page, 'GET after-backup')).toBe('(nil)');
  await goTo(page, 'Replication & backups');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Download backup-/ }).first().click()]);
  await download.saveAs(join(dir, 'dump.rdb'));
  expect(await redisDigestOf(dir)).toEqual({ kind: 'status', value: digest });
});

test("all files download as one tar that redis-server starts from, and redis-server's AOF directory uploads", async ({ page }) => {
  // The lab's files as a tar: unpacked, redis-server starts from them with the same digest.
  await page.getByRole('radio', { name: 'AOF every write' }).check();
  await engineRunning(page);
  for (const command of ['SET a 1', 'RPUSH l x y', 'HSET h f v']) await run(page, command);
  const digest = await run(page, 'DEBUG DIGEST');
  await goTo(page, 'Files');
  const [archive] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download all (tar)' }).click()]);
  await archive.saveAs(join(dir, 'files.tar'));
  const untar = spawnSync('tar', ['-xf', 'files.tar'], { cwd: dir });
  expect(untar.status).toBe(0);
  const fromTar = await RedisServer.start({ dir, args: ['--appendonly', 'yes'] });
  try {
    expect(await fromTar.command('DEBUG', 'DIGEST')).toEqual({ kind: 'status', value: digest });
  } finally {
    await fromTar.stop();
  }

  // redis-server's own AOF directory, uploaded file by file.
  const aofDir = mkdtempSync(join(tmpdir(), 'lab-aof-upload-'));
  const redis = await RedisServer.start({ dir: aofDir, args: ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'yes'] });
  let redisDigest: unknown;
  try {
    await redis.pipeline([['SET', 'from', 'redis'], ['ZADD', 'z', '1', 'm'], ['BGREWRITEAOF']]);
    await redis.waitForBackgroundJobs();
    await redis.pipeline([['INCR', 'after-rewrite']]);
    redisDigest = await redis.command('DEBUG', 'DIGEST');
  } finally {
    await redis.stop();
  }
  const names = readdirSync(join(aofDir, 'appendonlydir'));
  await page.getByLabel('Load an AOF directory').setInputFiles(names.map((n) => join(aofDir, 'appendonlydir', n)));
  await expect(page.getByTestId('upload-result')).toHaveText(`Loaded 3 keys from the AOF (${names.length} files).`);
  await goTo(page, 'Play');
  expect({ kind: 'status', value: await run(page, 'DEBUG DIGEST') }).toEqual(redisDigest);
  rmSync(aofDir, { recursive: true, force: true });
});

test('a big upload shows progress and can be cancelled, leaving the live data as it was', async ({ page }) => {
  const redis = await RedisServer.start({ dir });
  try {
    await redis.command('DEBUG', 'POPULATE', '1000000');
    await redis.command('SAVE');
  } finally {
    await redis.stop();
  }
  expect(await run(page, 'SET kept yes')).toBe('OK');
  const before = await run(page, 'DEBUG DIGEST');
  await goTo(page, 'Files');
  await page.getByLabel('Load an RDB file').setInputFiles(join(dir, 'dump.rdb'));
  await expect(page.getByRole('progressbar', { name: 'Upload progress' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel upload' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'dump.rdb' })).toContainText('dump.rdb was not loaded: Loading was cancelled; the live data is unchanged.');
  await goTo(page, 'Play');
  expect(await run(page, 'DEBUG DIGEST')).toBe(before);
  expect(await run(page, 'GET kept')).toBe('"yes"');
});
