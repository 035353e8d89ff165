// XINFO STREAM's radix-tree-nodes comes from a model of rax.c's tree shape. With one entry per
// node (stream-node-max-entries 1) every entry ID is a rax key, so random IDs, added and then
// partly deleted (rax removals recompress the tree), check the model against redis-server.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { RedisServer } from '../support/redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start({ args: ['--stream-node-max-entries', '1'] });
});
afterAll(async () => {
  await server?.stop();
});

/** IDs that share long prefixes (same ms, nearby ms) and some that do not. */
const idArb = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 300 })),
  fc.tuple(fc.integer({ min: 0, max: 70000 }), fc.integer({ min: 0, max: 2 })),
  fc.tuple(fc.constantFrom(2 ** 32, 2 ** 40 + 5, 2 ** 52), fc.constantFrom(0, 255, 256, 65536)),
).map(([ms, seq]) => ({ ms: BigInt(ms), seq: BigInt(seq) }));

function info(reply: Reply): [unknown, unknown] {
  const items = (reply as { value: readonly Reply[] }).value;
  return [items[3], items[5]];
}

describe('radix-tree-nodes', () => {
  it('matches redis for random node keys, after additions and after deletions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(idArb, { minLength: 0, maxLength: 40, selector: (id) => `${id.ms}-${id.seq}` }), fc.array(fc.nat(), { maxLength: 20 }), async (ids, deletions) => {
        const sorted = [...ids].sort((a, b) => (a.ms !== b.ms ? (a.ms < b.ms ? -1 : 1) : a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
        const names = sorted.map((id) => `${id.ms}-${id.seq}`);
        const commands: string[][] = [['DEL', 's'], ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM']];
        for (const id of names) commands.push(['XADD', 's', id, 'f', 'v']);
        commands.push(['XINFO', 'STREAM', 's']);
        for (const d of deletions) if (names.length) commands.push(['XDEL', 's', names[d % names.length]!]);
        commands.push(['XINFO', 'STREAM', 's']);
        const engine = new Engine({ clock: systemClock, limits: { streamNodeMaxEntries: 1 } });
        const client = engine.createClient();
        const ours = commands.map((argv) => engine.execute(client, argv));
        const theirs = await server.pipeline(commands);
        const infos = commands.flatMap((argv, i) => (argv[0] === 'XINFO' ? [i] : []));
        for (const i of infos) expect(info(ours[i]!)).toEqual(info(theirs[i]!));
      }),
      { numRuns: 200 },
    );
  });
});
