// Every generator and normalisation rule, for the mixed suites.
import fc from 'fast-check';
import type { Rules } from '../../support/differential.js';
import { bitmapCommandArb, bitmapRules } from './bitmaps.js';
import { geoCommandArb, geoRules } from './geo.js';
import { configEncodingCommandArb, configEncodingRules } from './config-encodings.js';
import { copyDumpCommandArb, copyDumpRules } from './copy-dump.js';
import { hashCommandArb, hashRules } from './hashes.js';
import { hyperloglogCommandArb, hyperloglogRules } from './hyperloglog.js';
import { keyCommandArb, keyRules } from './keys.js';
import { lcsCommandArb, lcsRules } from './lcs.js';
import { listCommandArb, listRules } from './lists.js';
import { maxmemoryRules } from './maxmemory.js';
import { serverCommandArb, serverRules } from './server.js';
import { setCommandArb, setRules } from './sets.js';
import { sortCommandArb, sortRules } from './sort.js';
import { stringCommandArb, stringRules } from './strings.js';
import { zsetAlgebraCommandArb, zsetAlgebraRules } from './zset-algebra.js';
import { zsetCommandArb, zsetRules } from './zsets.js';
import { streamCommandArb, streamRules } from './streams.js';
import { blockingCommandArb, blockingRules } from './blocking.js';

export const GROUPS = {
  strings: stringCommandArb,
  keys: keyCommandArb,
  lists: listCommandArb,
  hashes: hashCommandArb,
  sets: setCommandArb,
  zsets: zsetCommandArb,
  server: serverCommandArb,
  streams: streamCommandArb,
  bitmaps: bitmapCommandArb,
  hyperloglog: hyperloglogCommandArb,
  geo: geoCommandArb,
  'zset algebra': zsetAlgebraCommandArb,
  sort: sortCommandArb,
  lcs: lcsCommandArb,
  'copy, move, dump and restore': copyDumpCommandArb,
  'encoding limits set at run time': configEncodingCommandArb,
} as const;

/**
 * Blocking commands among the writes that serve them. Redis answers a block that times out only
 * at its next event-loop wake-up, so these run on a server of their own with a higher hz.
 */
export const blockingMixArb: fc.Arbitrary<string[]> = fc.oneof(blockingCommandArb, listCommandArb, zsetCommandArb, streamCommandArb);

export const allRules: Rules = {
  ...stringRules,
  ...keyRules,
  ...listRules,
  ...hashRules,
  ...setRules,
  ...zsetRules,
  ...serverRules,
  ...streamRules,
  ...blockingRules,
  ...bitmapRules,
  ...hyperloglogRules,
  ...geoRules,
  ...zsetAlgebraRules,
  ...sortRules,
  ...lcsRules,
  ...copyDumpRules,
  ...configEncodingRules,
  ...maxmemoryRules,
};

/**
 * Commands of every type on the same keys, with server commands (SELECT, MULTI …) less often.
 * SORT stays in its own group: a strtod overflow anywhere before it (ZADD 1e400) makes redis's
 * numeric SORT fail in the same event-loop turn (see groups/sort.ts).
 */
export const mixedCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  { arbitrary: stringCommandArb, weight: 3 },
  { arbitrary: keyCommandArb, weight: 3 },
  { arbitrary: listCommandArb, weight: 3 },
  { arbitrary: hashCommandArb, weight: 3 },
  { arbitrary: setCommandArb, weight: 3 },
  { arbitrary: zsetCommandArb, weight: 3 },
  { arbitrary: zsetAlgebraCommandArb, weight: 2 },
  { arbitrary: copyDumpCommandArb, weight: 1 },
  { arbitrary: lcsCommandArb, weight: 1 },
  { arbitrary: configEncodingCommandArb, weight: 1 },
  { arbitrary: serverCommandArb, weight: 1 },
  { arbitrary: streamCommandArb, weight: 3 },
  { arbitrary: bitmapCommandArb, weight: 2 },
  { arbitrary: hyperloglogCommandArb, weight: 1 },
  { arbitrary: geoCommandArb, weight: 2 },
);
