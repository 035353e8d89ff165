// Generators for the server/database commands in the mixed differential suite.
import fc from 'fast-check';
import type { Rules } from '../../support/differential.js';
import { keyArb, valueArb } from '../../support/differential.js';

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
);

export const serverRules: Rules = {};
