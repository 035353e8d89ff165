// Generators for WATCH / UNWATCH / MULTI / EXEC with two connections: the first watches and runs
// transactions, both change (or merely read, or fail to change) the watched keys, in either
// database, with FLUSHDB, FLUSHALL, SWAPDB, MOVE and COPY … DB among the writes; keys with short
// TTLs and DEBUG SLEEP make keys expire before WATCH or between WATCH and EXEC. Every step waits
// for redis's reply before the lab runs it, so both see the same passage of time.
import fc from 'fast-check';
import type { ClientCommand, Rules } from '../../support/differential.js';

const keyArb = fc.constantFrom('w1', 'w2', 'w3');
/** What WATCH names: the string keys, and the list and sets the other writes use. */
const watchedArb = fc.constantFrom('w1', 'w2', 'w3', 'lw1', 'sw1', 'sw2');
const valueArb = fc.constantFrom('1', 'v', '');

/** Writes that change a key, and "writes" that leave it as it was (no signal in redis). */
const writeArb: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(keyArb, valueArb).map(([k, v]) => ['SET', k, v]) },
  { weight: 2, arbitrary: fc.tuple(keyArb, fc.constantFrom('40', '5000000')).map(([k, ms]) => ['SET', k, 'v', 'PX', ms]) },
  { weight: 2, arbitrary: keyArb.map((k) => ['INCR', k]) },
  { weight: 2, arbitrary: keyArb.map((k) => ['DEL', k]) },
  { weight: 1, arbitrary: keyArb.map((k) => ['SET', k, 'x', 'NX']) },
  { weight: 1, arbitrary: keyArb.map((k) => ['EXPIRE', k, '1000']) },
  { weight: 1, arbitrary: keyArb.map((k) => ['PERSIST', k]) },
  { weight: 1, arbitrary: keyArb.map((k) => ['PEXPIRE', k, '40']) },
  { weight: 1, arbitrary: fc.constant<string[]>(['RPUSH', 'lw1', 'a', 'b']) },
  { weight: 2, arbitrary: fc.constantFrom<string[]>(['LTRIM', 'lw1', '0', '-1'], ['LTRIM', 'lw1', '1', '-1']) },
  { weight: 2, arbitrary: fc.constantFrom<string[]>(['SMOVE', 'sw1', 'sw2', 'm'], ['SMOVE', 'sw2', 'sw1', 'm']) },
  { weight: 1, arbitrary: fc.constantFrom('sw1', 'sw2').map((k) => ['SADD', k, 'm']) },
  { weight: 1, arbitrary: fc.tuple(keyArb, keyArb).map(([a, b]) => ['RENAME', a, b]) },
  { weight: 1, arbitrary: fc.tuple(keyArb, fc.constantFrom('0', '1')).map(([k, db]) => ['MOVE', k, db]) },
  { weight: 1, arbitrary: fc.tuple(keyArb, keyArb, fc.constantFrom('0', '1')).map(([a, b, db]) => ['COPY', a, b, 'DB', db, 'REPLACE']) },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['FLUSHDB'], ['FLUSHALL'], ['SWAPDB', '0', '1'], ['SELECT', '0'], ['SELECT', '1']) },
);

const readArb: fc.Arbitrary<string[]> = fc.oneof(keyArb.map((k) => ['GET', k]), keyArb.map((k) => ['EXISTS', k]));
/** Time passing (not inside MULTI: the lab would run EXEC only after redis's sleep in it). */
const sleepArb: fc.Arbitrary<string[]> = fc.constant<string[]>(['DEBUG', 'SLEEP', '0.06']);
const passArb = fc.oneof(readArb, sleepArb);

const first = (argv: string[]): ClientCommand => ({ client: 0, argv });
const second = (argv: string[]): ClientCommand => ({ client: 1, argv });

/** A transaction of the first client: WATCH, maybe interference, MULTI, queued commands, EXEC. */
const transactionArb: fc.Arbitrary<ClientCommand[]> = fc
  .tuple(
    fc.array(watchedArb, { minLength: 1, maxLength: 2 }),
    fc.array(fc.oneof(writeArb.map(second), writeArb.map(first), passArb.map(second), passArb.map(first)), { maxLength: 3 }),
    fc.array(fc.oneof(writeArb, readArb, fc.constantFrom<string[]>(['WATCH', 'w1'], ['UNWATCH'])), { maxLength: 3 }),
    fc.array(fc.oneof(writeArb.map(second), passArb.map(second)), { maxLength: 2 }),
    fc.constantFrom('EXEC', 'EXEC', 'EXEC', 'DISCARD'),
    fc.boolean(),
  )
  .map(([watched, before, queued, during, end, unwatchFirst]) => [
    ...(unwatchFirst ? [first(['UNWATCH'])] : []),
    first(['WATCH', ...watched]),
    ...before,
    first(['MULTI']),
    ...queued.map(first),
    ...during,
    first([end]),
  ]);

export const watchStepArb: fc.Arbitrary<ClientCommand[]> = fc.oneof(
  { weight: 5, arbitrary: transactionArb },
  { weight: 3, arbitrary: fc.oneof(writeArb.map(second), writeArb.map(first), passArb.map(first)).map((s) => [s]) },
  { weight: 1, arbitrary: fc.constantFrom<ClientCommand[]>([first(['EXEC'])], [first(['WATCH'])], [second(['WATCH', 'w1']), second(['MULTI']), second(['INCR', 'w1']), second(['EXEC'])]) },
);

export const watchRules: Rules = {};
