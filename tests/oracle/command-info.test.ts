// COMMAND INFO / DOCS / LIST / COUNT / GETKEYS against redis-server 7.0.15: the facts file and
// what the engine derives from it give redis's replies for all of redis's commands (so a command
// added later is right at once), and the lab's own commands have redis's arity and flags.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config } from '../../src/engine/config.js';
import { Engine } from '../../src/engine/engine.js';
import { systemClock } from '../../src/engine/clock.js';
import { commandFlags } from '../../src/engine/commands/command-introspection.js';
import { REDIS_COMMANDS, type CommandFacts } from '../../src/engine/commands/command-table.js';
import { command, type CommandSpec } from '../../src/engine/commands/types.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import { OK, type Reply } from '../../src/engine/resp/reply.js';
import { VirtualClock } from '../../src/sim/virtual-clock.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { describeReply } from '../support/differential.js';
import { RedisServer } from '../support/redis-server.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.stop();
});

const text = (r: Reply | undefined) => describeReply(r);
const items = (r: Reply | undefined): readonly Reply[] => (r?.kind === 'array' && r.value ? r.value : []);
const sortReplies = (replies: readonly Reply[]) => [...replies].sort((a, b) => (text(a) < text(b) ? -1 : 1));

/** Redis lists subcommands in its dict's (seeded, random) order: compare them sorted. */
function normalizeInfo(reply: Reply | undefined): Reply | undefined {
  if (reply?.kind !== 'array' || !reply.value || reply.value.length !== 10) return reply;
  const subs = items(reply.value[9]).map(normalizeInfo) as Reply[];
  return { kind: 'array', value: [...reply.value.slice(0, 9), { kind: 'array', value: sortReplies(subs) }] };
}

/** A flat map reply as sorted pairs, recursively for the subcommands map. */
function normalizeDocsMap(reply: Reply | undefined): Reply | undefined {
  const flat = items(reply);
  const pairs: Reply[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const fields = items(flat[i + 1]);
    const normalized: Reply[] = [];
    for (let j = 0; j + 1 < fields.length; j += 2) {
      const key = fields[j]!;
      normalized.push(key, key.kind === 'bulk' && key.value === 'subcommands' ? normalizeDocsMap(fields[j + 1])! : fields[j + 1]!);
    }
    pairs.push({ kind: 'array', value: [flat[i]!, { kind: 'array', value: normalized }] });
  }
  return { kind: 'array', value: sortReplies(pairs) };
}

/** An engine that "implements" every command redis has, to check the facts of all of them. */
function engineWithEveryCommand(): Engine {
  const engine = new Engine({ clock: systemClock });
  const dummy = (facts: CommandFacts): CommandSpec =>
    command({
      name: facts.name,
      arity: facts.arity,
      run: () => OK,
      ...(facts.subcommands ? { subcommands: Object.fromEntries(facts.subcommands.map((s) => [s.name.split('|')[1]!, dummy(s)])) } : {}),
    });
  engine.registerCommands(REDIS_COMMANDS.filter((f) => !engine.commands.has(f.name)).map(dummy));
  return engine;
}

async function persistentLab() {
  const { server } = await PersistentServer.start({ disk: new MemoryStore(), config: new Config(), clock: new VirtualClock(), rdb: rdbCodec });
  return server.engine;
}

describe('COMMAND against redis-server', () => {
  it('has the facts of every redis command: COMMAND INFO, DOCS, COUNT and LIST all agree', async () => {
    const engine = engineWithEveryCommand();
    const client = engine.createClient();
    const [count, list, info, docs] = await redis.pipeline([['COMMAND', 'COUNT'], ['COMMAND', 'LIST'], ['COMMAND', 'INFO'], ['COMMAND', 'DOCS']]);
    expect(engine.execute(client, ['COMMAND', 'COUNT'])).toEqual(count);
    expect(text({ kind: 'array', value: sortReplies(items(engine.execute(client, ['COMMAND', 'LIST']))) })).toBe(text({ kind: 'array', value: sortReplies(items(list)) }));
    const byName = (replies: readonly Reply[]) => new Map(replies.map((r) => [text(items(r)[0]), text(normalizeInfo(r))]));
    const expected = byName(items(info));
    const actual = byName(items(engine.execute(client, ['COMMAND', 'INFO'])));
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, reply] of expected) expect(actual.get(name), name).toBe(reply);
    const docsByName = (reply: Reply | undefined) => new Map(items(normalizeDocsMap(reply)).map((pair) => [text(items(pair)[0]), text(items(pair)[1])]));
    const expectedDocs = docsByName(docs);
    const actualDocs = docsByName(engine.execute(client, ['COMMAND', 'DOCS']));
    expect([...actualDocs.keys()].sort()).toEqual([...expectedDocs.keys()].sort());
    for (const [name, reply] of expectedDocs) expect(actualDocs.get(name), name).toBe(reply);
  });

  it('answers COMMAND INFO / DOCS for each command the lab implements as redis does, and nil for the others', async () => {
    const engine = await persistentLab();
    const client = engine.createClient();
    const names = [...engine.commands.keys()];
    expect(names.length).toBeGreaterThan(100);
    const subNames = [...engine.commands.values()].flatMap((s) => Object.values(s.subcommands ?? {}).map((sub) => sub.name));
    for (const name of [...names, ...subNames, 'xadd', 'no-such-command', 'config|nope', 'get|x', 'CONFIG|GET']) {
      const [info, docs] = await redis.pipeline([['COMMAND', 'INFO', name], ['COMMAND', 'DOCS', name]]);
      const labInfo = engine.execute(client, ['COMMAND', 'INFO', name]);
      if (name === 'xadd' && !engine.commands.has('xadd')) {
        expect(labInfo).toEqual({ kind: 'array', value: [{ kind: 'bulk', value: null }] });
        continue;
      }
      // Containers report the subcommands the lab implements, which are all of redis's here.
      expect(text(normalizeInfo(items(labInfo)[0])), name).toBe(text(normalizeInfo(items(info)[0])));
      expect(text(normalizeDocsMap(engine.execute(client, ['COMMAND', 'DOCS', name]))), name).toBe(text(normalizeDocsMap(docs)));
    }
  });

  it("the lab's commands have redis's arity and write flag", async () => {
    const engine = await persistentLab();
    for (const spec of [...engine.commands.values()].flatMap((s) => [s, ...Object.values(s.subcommands ?? {})])) {
      const [info] = items(await redis.command('COMMAND', 'INFO', spec.name));
      expect(items(info)[1], spec.name).toEqual({ kind: 'int', value: spec.arity });
      expect(commandFlags(spec).has('write'), spec.name).toBe(spec.write);
    }
  });

  it('GETKEYS, GETKEYSANDFLAGS, LIST FILTERBY and HELP reply as redis does', async () => {
    const engine = engineWithEveryCommand();
    const client = engine.createClient();
    const calls = [
      ['COMMAND', 'GETKEYS', 'GET', 'k'],
      ['COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'],
      ['COMMAND', 'GETKEYS', 'ZUNIONSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2'],
      ['COMMAND', 'GETKEYS', 'ZUNIONSTORE', 'd', '0', 'a'],
      ['COMMAND', 'GETKEYS', 'ZUNIONSTORE', 'd', 'x', 'a'],
      ['COMMAND', 'GETKEYS', 'SORT', 'k', 'BY', 'w_*', 'GET', '#', 'STORE', 'dst', 'LIMIT', '0', '1'],
      ['COMMAND', 'GETKEYS', 'SORT', 'k', 'STORE'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v', 'GET'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'LMOVE', 'a', 'b', 'LEFT', 'RIGHT'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'GET', 'u8', '0'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'SET', 'u8', '0', '1'],
      ['COMMAND', 'GETKEYS', 'XREAD', 'COUNT', '2', 'STREAMS', 'a', 'b', '0', '0'],
      ['COMMAND', 'GETKEYS', 'PING'],
      ['COMMAND', 'GETKEYS', 'GET'],
      ['COMMAND', 'GETKEYS', 'NOPE', 'x'],
      ['COMMAND', 'GETKEYS', 'CONFIG', 'GET', 'x'],
      ['COMMAND', 'GETKEYS', 'OBJECT', 'ENCODING', 'k'],
      ['COMMAND', 'GETKEYS', 'EVAL', 's', '0'],
      ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'sortedset'],
      ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nope'],
      ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'z*store'],
      ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'config|*'],
      ['COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x'],
      ['COMMAND', 'LIST', 'FILTERBY', 'NOPE', 'x'],
      ['COMMAND', 'LIST', 'FILTERBY'],
      ['COMMAND', 'HELP'],
      ['COMMAND', 'NOPE'],
      ['COMMAND', 'COUNT', 'x'],
    ];
    const replies = await redis.pipeline(calls);
    calls.forEach((argv, i) => {
      const sorted = (r: Reply | undefined): Reply | undefined => (argv[1] === 'LIST' && r?.kind === 'array' ? { kind: 'array', value: sortReplies(items(r)) } : r);
      expect(text(sorted(engine.execute(client, argv))), argv.join(' ')).toBe(text(sorted(replies[i])));
    });
  });
});
