// Generators for the server/database commands in the mixed differential suite.
import fc from 'fast-check';
import type { Reply } from '../../../src/engine/resp/reply.js';
import { describeReply, keyArb, valueArb, type Rules } from '../../support/differential.js';

const dbArb = fc.oneof(fc.integer({ min: 0, max: 3 }).map(String), fc.constantFrom('15', '16', '-1', 'x', '1.5', '01'));

export const serverCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  dbArb.map((db) => ['SELECT', db]),
  fc.tuple(keyArb, dbArb).map(([k, db]) => ['MOVE', k, db]),
  fc.tuple(dbArb, dbArb).map(([a, b]) => ['SWAPDB', a, b]),
  fc.constantFrom<string[]>(['FLUSHDB'], ['FLUSHDB', 'ASYNC'], ['FLUSHDB', 'sync'], ['FLUSHDB', 'now'], ['FLUSHALL', 'SYNC'], ['DBSIZE']),
  fc.constantFrom<string[]>(['PING'], ['PING', 'hello'], ['PING', 'a', 'b'], ['ECHO'], ['ECHO', 'x\r\ny']),
  valueArb.map((v) => ['ECHO', v]),
  fc.array(keyArb, { minLength: 1, maxLength: 3 }).map((keys) => ['DEBUG', 'DIGEST-VALUE', ...keys]),
  fc.constantFrom<string[]>(['DEBUG', 'DIGEST'], ['MULTI'], ['EXEC'], ['DISCARD'], ['NOSUCHCOMMAND', 'a'], ['DEBUG', 'NOPE']),
  // WATCH on this one client: its own writes, flushes, SWAPDB and MOVE touch what it watches.
  fc.array(keyArb, { minLength: 1, maxLength: 3 }).map((keys) => ['WATCH', ...keys]),
  fc.constantFrom<string[]>(['UNWATCH'], ['WATCH'], ['UNWATCH', 'x']),
  fc.tuple(keyArb, fc.constantFrom([], ['SAMPLES', '0'], ['SAMPLES', '5'], ['SAMPLES', '-1'], ['SAMPLES', 'x'], ['SAMPLES'], ['BOGUS', '1'])).map(([k, rest]) => ['MEMORY', 'USAGE', k, ...rest]),
  fc.constantFrom<string[]>(['MEMORY', 'PURGE'], ['MEMORY', 'HELP'], ['MEMORY', 'NOPE'], ['MEMORY', 'USAGE'], ['MEMORY'], ['MEMORY', 'STATS', 'x']),
  fc.constantFrom<string[]>(['MEMORY', 'STATS'], ['MEMORY', 'DOCTOR'], ['MEMORY', 'MALLOC-STATS']),
  fc.constantFrom('0', '100', '1mb', '4gb', '5gb', 'abc', '-1').map((size) => ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', size]),
);

const isCount = (r: Reply) => r.kind === 'int' && Number(r.value) > 0;
/** MEMORY STATS's field names (its values are allocator figures the lab estimates). */
const statNames = (r: Reply) => (r.kind === 'array' ? (r.value ?? []).filter((_, i) => i % 2 === 0).map((f) => f.value) : null);
/** Replies that are the allocator's own words (DOCTOR, MALLOC-STATS): text on both sides. */
const ALLOCATOR_TEXT = ['doctor', 'malloc-stats'];

export const serverRules: Rules = {
  memory: {
    // MEMORY USAGE: redis samples 5 elements by default and extrapolates, the lab counts every
    // element (as SAMPLES 0), so here both sides agree on whether the key is there (a count or
    // nil) and on every error; the bytes are held to redis's in analyze-memory.test.ts.
    reconcile(argv, redisReply, labReply) {
      const sub = argv[1]?.toLowerCase() ?? '';
      if (sub === 'stats' && argv.length === 2) {
        if (JSON.stringify(statNames(redisReply)) === JSON.stringify(statNames(labReply))) return undefined;
        return `fields: redis ${JSON.stringify(statNames(redisReply))}, lab ${JSON.stringify(statNames(labReply))}`;
      }
      if (ALLOCATOR_TEXT.includes(sub) && argv.length === 2 && redisReply.kind === 'bulk' && labReply.kind === 'bulk') return undefined;
      const usage = sub === 'usage' && isCount(redisReply);
      if (usage ? isCount(labReply) : describeReply(redisReply) === describeReply(labReply)) return undefined;
      return `redis ${describeReply(redisReply)}, lab ${describeReply(labReply)}`;
    },
  },
};
