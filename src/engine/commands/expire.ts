// Expiry commands: EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT with NX XX GT LT, TTL / PTTL,
// EXPIRETIME / PEXPIRETIME and PERSIST. Writes propagate as PEXPIREAT with an absolute time, or
// as DEL when the time has already passed, as expireGenericCommand does.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { unixMs } from '../keyspace/database.js';
import { int, type Reply } from '../resp/reply.js';
import { INT64_MAX, INT64_MIN, parseInt64 } from '../util/numbers.js';
import { command, fail, type CommandSpec } from './types.js';

interface ExpireFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

function parseFlags(argv: readonly Bin[]): ExpireFlags {
  const flags: ExpireFlags = { nx: false, xx: false, gt: false, lt: false };
  for (const arg of argv.slice(3)) {
    const opt = arg.toLowerCase();
    if (opt === 'nx' || opt === 'xx' || opt === 'gt' || opt === 'lt') flags[opt] = true;
    else fail(ERR.unsupportedOption(arg));
  }
  if (flags.nx && (flags.xx || flags.gt || flags.lt)) fail(ERR.expireNxIncompatible);
  if (flags.gt && flags.lt) fail(ERR.expireGtLtIncompatible);
  return flags;
}

function expireGeneric(ctx: CommandContext, argv: readonly Bin[], seconds: boolean, relative: boolean): Reply {
  const key = argv[1]!;
  const flags = parseFlags(argv);
  let when = parseInt64(argv[2]!);
  if (when === null) fail(ERR.notInteger);
  const name = argv[0]!.toLowerCase();
  if (seconds) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) fail(ERR.invalidExpire(name));
    when *= 1000n;
  }
  const base = relative ? BigInt(ctx.now) : 0n;
  if (when > INT64_MAX - base) fail(ERR.invalidExpire(name));
  when += base;
  if (!ctx.exists(key)) return int(0);
  const current = ctx.db.expires.get(key);
  if (flags.nx && current !== undefined) return int(0);
  if (flags.xx && current === undefined) return int(0);
  if (flags.gt && (current === undefined || when <= BigInt(current))) return int(0);
  if (flags.lt && current !== undefined && when >= BigInt(current)) return int(0);
  ctx.dirty();
  if (when <= BigInt(ctx.now) && !ctx.engine.loading) {
    ctx.db.delete(key);
    ctx.rewriteArgv(['DEL', key]);
    return int(1);
  }
  ctx.db.expires.set(key, unixMs(when));
  ctx.rewriteArgv(['PEXPIREAT', key, when.toString(), ...argv.slice(3)]);
  return int(1);
}

function ttlGeneric(ctx: CommandContext, key: Bin, ms: boolean, absolute: boolean): Reply {
  if (ctx.peek(key) === undefined) return int(-2);
  const expire = ctx.db.expires.get(key);
  if (expire === undefined) return int(-1);
  let ttl = absolute ? BigInt(expire) : BigInt(expire) - BigInt(ctx.now);
  if (ttl < 0n) ttl = 0n;
  return int(ms ? ttl : (ttl + 500n) / 1000n);
}

const expireCommand = (name: string, seconds: boolean, relative: boolean) =>
  command({ name, arity: -3, write: true, keys: [1, 1, 1], run: (ctx, argv) => expireGeneric(ctx, argv, seconds, relative) });

const ttlCommand = (name: string, ms: boolean, absolute: boolean) =>
  command({ name, arity: 2, keys: [1, 1, 1], run: (ctx, argv) => ttlGeneric(ctx, argv[1]!, ms, absolute) });

export const expireCommands: readonly CommandSpec[] = [
  expireCommand('expire', true, true),
  expireCommand('pexpire', false, true),
  expireCommand('expireat', true, false),
  expireCommand('pexpireat', false, false),
  ttlCommand('ttl', false, false),
  ttlCommand('pttl', true, false),
  ttlCommand('expiretime', false, true),
  ttlCommand('pexpiretime', true, true),
  command({
    name: 'persist',
    arity: 2,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      if (!ctx.exists(argv[1]!) || !ctx.db.expires.delete(argv[1]!)) return int(0);
      ctx.dirty();
      return int(1);
    },
  }),
];
