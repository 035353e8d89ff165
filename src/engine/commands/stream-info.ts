// XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS and XINFO HELP, with the field
// names and order of xinfoReplyWithStreamInfo (RESP2 maps are flat arrays). The rax's node
// count comes from a model of Redis's radix tree (rax-size.ts).
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { formatId, MAX_ID, MIN_ID } from '../keyspace/stream-id.js';
import type { StreamValue } from '../keyspace/stream.js';
import { INVALID_ENTRIES_READ } from '../keyspace/stream.js';
import { array, bulk, int, NIL, status, type Reply } from '../resp/reply.js';
import { raxNodeCount } from './rax-size.js';
import { GROUP_ERR } from './stream-groups.js';
import { entryReply, int64Arg, rangeReply } from './streams.js';
import { command, fail, type CommandSpec } from './types.js';

const XINFO_HELP = [
  'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Prints this help.',
];

const field = (name: string): Reply => bulk(name);
const id = (value: Parameters<typeof formatId>[0]): Reply => bulk(formatId(value));
const lagReply = (value: bigint | null): Reply => (value === null ? NIL : int(value));
const entriesReadReply = (value: bigint): Reply => (value === INVALID_ENTRIES_READ ? NIL : int(value));

function streamInfo(ctx: CommandContext, argv: readonly Bin[], stream: StreamValue): Reply {
  const options = argv.slice(3);
  let full = false;
  let count = 10n;
  if (options.length > 0) {
    const syntax = () => fail(ERR.subcommandSyntax(argv[1]!, 'xinfo'));
    if (options.length !== 1 && options.length !== 3) syntax();
    if (options[0]!.toLowerCase() !== 'full') syntax();
    if (options.length === 3) {
      if (options[1]!.toLowerCase() !== 'count') syntax();
      count = int64Arg(options[2]!);
      if (count < 0n) count = 10n;
    }
    full = true;
  }
  const out: Reply[] = [
    field('length'), int(stream.length),
    field('radix-tree-keys'), int(stream.nodes.length),
    field('radix-tree-nodes'), int(raxNodeCount(stream.nodes.map((n) => n.master))),
    field('last-generated-id'), id(stream.lastId),
    field('max-deleted-entry-id'), id(stream.maxDeletedId),
    field('entries-added'), int(stream.entriesAdded),
    field('recorded-first-entry-id'), id(stream.firstId),
  ];
  if (!full) {
    const first = stream.range(MIN_ID, MAX_ID).next();
    const last = stream.range(MIN_ID, MAX_ID, true).next();
    out.push(
      field('groups'), int(stream.groups.size),
      field('first-entry'), first.done ? NIL : entryReply(first.value),
      field('last-entry'), last.done ? NIL : entryReply(last.value),
    );
    return array(out);
  }
  const limit = Number(count);
  const groups: Reply[] = [];
  for (const [name, group] of stream.sortedGroups()) {
    const pending: Reply[] = [];
    for (let i = 0; i < group.pel.size && (!limit || pending.length < limit); i++) {
      const nack = group.pel.values[i]!;
      pending.push(array([id(group.pel.ids[i]!), bulk(nack.consumer!.name), int(nack.deliveryTime), int(nack.deliveryCount)]));
    }
    const consumers = group.sortedConsumers().map((consumer) => {
      const own: Reply[] = [];
      for (let i = 0; i < consumer.pel.size && (!limit || own.length < limit); i++) {
        const nack = consumer.pel.values[i]!;
        own.push(array([id(consumer.pel.ids[i]!), int(nack.deliveryTime), int(nack.deliveryCount)]));
      }
      return array([field('name'), bulk(consumer.name), field('seen-time'), int(consumer.seenTime), field('pel-count'), int(consumer.pel.size), field('pending'), array(own)]);
    });
    groups.push(
      array([
        field('name'), bulk(name),
        field('last-delivered-id'), id(group.lastId),
        field('entries-read'), entriesReadReply(group.entriesRead),
        field('lag'), lagReply(stream.lag(group)),
        field('pel-count'), int(group.pel.size),
        field('pending'), array(pending),
        field('consumers'), array(consumers),
      ]),
    );
  }
  out.push(field('entries'), rangeReply(stream, MIN_ID, MAX_ID, limit, false), field('groups'), array(groups));
  return array(out);
}

function xinfo(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const sub = argv[1]!.toLowerCase();
  if (sub === 'help') return array(XINFO_HELP.map(status));
  const key = argv[2]!;
  const stream = ctx.getStream(key);
  if (!stream) fail(ERR.noSuchKey);
  if (sub === 'consumers') {
    const group = stream.groups.get(argv[3]!);
    if (!group) fail(GROUP_ERR.noGroupForKey(argv[3]!, key));
    return array(
      group.sortedConsumers().map((consumer) =>
        array([field('name'), bulk(consumer.name), field('pending'), int(consumer.pel.size), field('idle'), int(Math.max(0, ctx.now - consumer.seenTime))]),
      ),
    );
  }
  if (sub === 'groups') {
    return array(
      stream.sortedGroups().map(([name, group]) =>
        array([
          field('name'), bulk(name),
          field('consumers'), int(group.consumers.size),
          field('pending'), int(group.pel.size),
          field('last-delivered-id'), id(group.lastId),
          field('entries-read'), entriesReadReply(group.entriesRead),
          field('lag'), lagReply(stream.lag(group)),
        ]),
      ),
    );
  }
  return streamInfo(ctx, argv, stream);
}

export const streamInfoCommands: readonly CommandSpec[] = [
  command({
    name: 'xinfo',
    arity: -2,
    subcommands: {
      stream: command({ name: 'xinfo|stream', arity: -3, keys: [2, 2, 1], run: xinfo }),
      groups: command({ name: 'xinfo|groups', arity: 3, keys: [2, 2, 1], run: xinfo }),
      consumers: command({ name: 'xinfo|consumers', arity: 4, keys: [2, 2, 1], run: xinfo }),
      help: command({ name: 'xinfo|help', arity: 2, run: xinfo }),
    },
    run: xinfo,
  }),
];
