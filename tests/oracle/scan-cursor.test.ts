// SCAN cursors nobody issued: redis's cursor is a bucket index walked in reversed-bit order, so a
// cursor of all ones (18446744073709551615, or -1 wrapped by strtoul) is the last bucket and the
// scan ends there. What holds on redis-server, whatever its random hash seed, must hold on the lab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { RedisServer } from '../support/redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(async () => {
  await server?.stop();
});

function page(reply: Reply | undefined): { cursor: string; keys: string[] } {
  if (reply?.kind !== 'array' || !reply.value) throw new Error(`not a scan reply: ${JSON.stringify(reply)}`);
  const [cursor, items] = reply.value as [Reply, Reply];
  const keys = items.kind === 'array' ? (items.value ?? []).map((r) => (r.kind === 'bulk' ? r.value ?? '' : '')) : [];
  return { cursor: cursor.kind === 'bulk' ? cursor.value ?? '' : '', keys: keys.sort() };
}

type Run = (argv: string[]) => Promise<Reply>;

/** The facts about made-up cursors, for a keyspace of up to 4 keys (a 4-bucket table). */
async function madeUpCursors(run: Run, keys: readonly string[]): Promise<void> {
  await run(['FLUSHALL']);
  for (const key of keys) await run(['SET', key, '1']);
  const last = page(await run(['SCAN', '-1']));
  expect(last.cursor).toBe('0');
  for (const same of ['18446744073709551615', '4294967295', '3', '-1']) expect(page(await run(['SCAN', same]))).toEqual(last);
  for (const key of last.keys) expect(keys).toContain(key);
  // A walk from 0 visits the last bucket last: its final page holds what SCAN -1 returned.
  let cursor = '0';
  let final: string[] = [];
  do {
    const p = page(await run(['SCAN', cursor, 'COUNT', '1']));
    cursor = p.cursor;
    final = p.keys;
  } while (cursor !== '0');
  for (const key of last.keys) expect(final).toContain(key);
}

describe('SCAN with a cursor of all ones', () => {
  const keyspaces = [['a'], ['key1', 'key2', 'key3'], ['x', 'y', 'z', 'w'], ['user:1', 'user:2']];

  it.each(keyspaces)('behaves on the lab as on redis-server: %j', async (...keys) => {
    await madeUpCursors((argv) => server.command(...argv), keys);
    const lab = new Engine({ clock: systemClock });
    const client = lab.createClient();
    await madeUpCursors(async (argv) => lab.execute(client, argv), keys);
  });

  it('returns the last bucket: the key of a one-key keyspace about a quarter of the time', () => {
    const lab = new Engine({ clock: systemClock });
    const client = lab.createClient();
    let found = 0;
    for (let i = 0; i < 200; i++) {
      lab.execute(client, ['FLUSHALL']);
      lab.execute(client, ['SET', `key:${i}`, '1']);
      found += page(lab.execute(client, ['SCAN', '18446744073709551615'])).keys.length;
    }
    expect(found).toBeGreaterThan(25);
    expect(found).toBeLessThan(75);
  });

  it('refuses a cursor with a leading blank, as parseScanCursorOrReply does', async () => {
    const lab = new Engine({ clock: systemClock });
    const client = lab.createClient();
    for (const cursor of [' 5', '\t0', '0x5', '5abc', '18446744073709551616']) {
      expect(lab.execute(client, ['SCAN', cursor])).toEqual(await server.command('SCAN', cursor));
    }
  });
});
