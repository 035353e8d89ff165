// SET and GETEX with their option grammar (parseExtendedStringArgumentsOrReply), and the
// propagation Redis applies: any relative or second-based expiry is sent as `SET k v PXAT ms`,
// GETEX as PEXPIREAT / PERSIST / DEL.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import type { UnixMs } from '../keyspace/database.js';
import { bulk, NIL, OK, type Reply } from '../resp/reply.js';
import { parseExpireAt } from './expire-args.js';
import { fail } from './types.js';

interface StringOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  persist: boolean;
  expire: { flag: 'ex' | 'px' | 'exat' | 'pxat'; value: Bin } | null;
}

function parseOptions(argv: readonly Bin[], start: number, forSet: boolean): StringOptions {
  const o: StringOptions = { nx: false, xx: false, get: false, keepTtl: false, persist: false, expire: null };
  for (let j = start; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const next = argv[j + 1];
    const expireFlag = o.expire?.flag;
    if (opt === 'nx' && !o.xx && forSet) o.nx = true;
    else if (opt === 'xx' && !o.nx && forSet) o.xx = true;
    else if (opt === 'get' && forSet) o.get = true;
    else if (opt === 'keepttl' && !o.persist && !o.expire && forSet) o.keepTtl = true;
    else if (opt === 'persist' && !forSet && !o.expire && !o.keepTtl) o.persist = true;
    else if ((opt === 'ex' || opt === 'px' || opt === 'exat' || opt === 'pxat') && !o.keepTtl && !o.persist && next !== undefined && (expireFlag === undefined || expireFlag === opt)) {
      o.expire = { flag: opt, value: next };
      j++;
    } else fail(ERR.syntax);
  }
  return o;
}

function expireAt(ctx: CommandContext, o: StringOptions, commandName: string): UnixMs | null {
  if (!o.expire) return null;
  const { flag, value } = o.expire;
  return parseExpireAt(value, flag === 'ex' || flag === 'exat' ? 'seconds' : 'milliseconds', flag === 'ex' || flag === 'px', ctx.now, commandName);
}

/** setGenericCommand, shared by SET, SETEX and PSETEX. */
export function setGeneric(ctx: CommandContext, key: Bin, value: Bin, o: StringOptions, commandName: string): Reply {
  const when = expireAt(ctx, o, commandName);
  let reply: Reply = OK;
  if (o.get) reply = bulk(ctx.getString(key) ?? null);
  const found = ctx.exists(key);
  if ((o.nx && found) || (o.xx && !found)) return o.get ? reply : NIL;
  ctx.db.setKey(key, value, o.keepTtl);
  ctx.dirty();
  if (when !== null) {
    ctx.db.expires.set(key, when);
    // Any expiry, PXAT included, goes out as `SET k v PXAT ms`: NX, XX and GET are dropped.
    ctx.rewriteArgv(['SET', key, value, 'PXAT', String(when)]);
  }
  return reply;
}

export function setCommand(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const o = parseOptions(argv, 3, true);
  const reply = setGeneric(ctx, argv[1]!, argv[2]!, o, 'set');
  // The replica and the AOF get the SET without its GETs (a read has no business there).
  if (o.get && !o.expire && ctx.propagateAs === null) ctx.rewriteArgv(argv.filter((a, j) => j < 3 || a.toLowerCase() !== 'get'));
  return reply;
}

export function setexCommand(ctx: CommandContext, argv: readonly Bin[], flag: 'ex' | 'px'): Reply {
  const o = parseOptions([], 0, true);
  o.expire = { flag, value: argv[2]! };
  return setGeneric(ctx, argv[1]!, argv[3]!, o, argv[0]!.toLowerCase());
}

export function getexCommand(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const key = argv[1]!;
  const o = parseOptions(argv, 2, false);
  const value = ctx.getString(key);
  if (value === undefined) return NIL;
  const when = expireAt(ctx, o, 'getex');
  const flag = o.expire?.flag;
  if (when !== null && (flag === 'exat' || flag === 'pxat') && when <= ctx.now) {
    ctx.db.delete(key);
    ctx.rewriteArgv(['DEL', key]);
    ctx.dirty();
  } else if (when !== null) {
    ctx.db.expires.set(key, when);
    ctx.rewriteArgv(['PEXPIREAT', key, String(when)]);
    ctx.dirty();
  } else if (o.persist && ctx.db.expires.delete(key)) {
    ctx.rewriteArgv(['PERSIST', key]);
    ctx.dirty();
  }
  return bulk(value);
}
