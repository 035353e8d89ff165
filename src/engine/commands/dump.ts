// DUMP and RESTORE (cluster.c): a value serialized as redis 7.0 writes it into an RDB, with its
// type byte, RDB version 10 and a CRC-64, and the same payload loaded back with REPLACE, ABSTTL,
// IDLETIME or FREQ. RESTORE with a relative TTL propagates the absolute time and ABSTTL.
import { binToBytes, bytesToBin, type Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { LoadError } from '../load-error.js';
import { Crc64 } from '../rdb/crc64.js';
import { RDB_VERSION } from '../rdb/format.js';
import { readDumpValue } from '../rdb/reader.js';
import { dumpPayload } from '../rdb/writer.js';
import { bulk, NIL, OK, type Reply } from '../resp/reply.js';
import { parseInt64 } from '../util/numbers.js';
import { command, fail, type CommandSpec } from './types.js';

/** verifyDumpPayload: a known RDB version and a matching CRC-64. */
function payloadIsValid(payload: Uint8Array): boolean {
  const length = payload.length;
  if (length < 10) return false;
  const version = payload[length - 10]! | (payload[length - 9]! << 8);
  if (version > RDB_VERSION) return false;
  const crc = new Crc64();
  crc.update(payload, 0, length - 8);
  const expected = crc.digestBytes();
  for (let i = 0; i < 8; i++) if (payload[length - 8 + i] !== expected[i]) return false;
  return true;
}

function longLongArg(arg: Bin): bigint {
  const value = parseInt64(arg);
  if (value === null) fail(ERR.notInteger);
  return value;
}

function restore(ctx: CommandContext, argv: readonly Bin[]): Reply {
  let replace = false;
  let absttl = false;
  let idle: bigint | null = null;
  let freq: bigint | null = null;
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = j < argv.length - 1;
    if (opt === 'replace') replace = true;
    else if (opt === 'absttl') absttl = true;
    else if (opt === 'idletime' && more && freq === null) {
      idle = longLongArg(argv[++j]!);
      if (idle < 0n) fail(ERR.invalidIdletime);
    } else if (opt === 'freq' && more && idle === null) {
      freq = longLongArg(argv[++j]!);
      if (freq < 0n || freq > 255n) fail(ERR.invalidFreq);
    } else fail(ERR.syntax);
  }
  const key = argv[1]!;
  if (!replace && ctx.lookup(key) !== undefined) fail(ERR.busyKey);
  let ttl = longLongArg(argv[2]!);
  if (ttl < 0n) fail(ERR.invalidTtl);
  const payload = binToBytes(argv[3]!);
  if (!payloadIsValid(payload)) fail(ERR.dumpPayload);
  let value;
  try {
    value = readDumpValue(ctx.engine, payload);
  } catch (e) {
    if (e instanceof LoadError) fail(ERR.badDataFormat);
    throw e;
  }
  if (value === null) fail(ERR.badDataFormat);
  const db = ctx.db;
  const deleted = replace && db.dict.has(key) && db.delete(key);
  if (ttl !== 0n && !absttl) ttl += BigInt(ctx.now);
  if (ttl !== 0n && ttl <= BigInt(ctx.now) && !ctx.engine.loading) {
    // Already expired: nothing is created; a replaced key is gone, and that is what propagates.
    if (deleted) {
      ctx.rewriteArgv(['DEL', key]);
      ctx.dirty();
    }
    return OK;
  }
  db.setKey(key, value);
  if (ttl !== 0n) {
    db.expires.set(key, ttl <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(ttl) : ttl);
    if (!absttl) ctx.rewriteArgv([...argv.slice(0, 2), ttl.toString(), ...argv.slice(3), 'ABSTTL']);
  }
  ctx.engine.restoreKeyAccess(ctx.db, key, idle, freq === null ? null : Number(freq), ctx.now);
  ctx.dirty();
  return OK;
}

export const dumpCommands: readonly CommandSpec[] = [
  command({
    name: 'dump',
    arity: 2,
    run(ctx, argv) {
      const value = ctx.lookup(argv[1]!);
      if (value === undefined) return NIL;
      return bulk(bytesToBin(dumpPayload(value, ctx.engine.config.getBool('rdbcompression'))));
    },
  }),
  command({ name: 'restore', arity: -4, write: true, run: restore }),
];
