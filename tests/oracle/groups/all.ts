// Every generator and normalisation rule, for the mixed suites.
import fc from 'fast-check';
import type { Rules } from '../../support/differential.js';
import { bitmapCommandArb, bitmapRules } from './bitmaps.js';
import { geoCommandArb, geoRules } from './geo.js';
import { hashCommandArb, hashRules } from './hashes.js';
import { hyperloglogCommandArb, hyperloglogRules } from './hyperloglog.js';
import { keyCommandArb, keyRules } from './keys.js';
import { listCommandArb, listRules } from './lists.js';
import { serverCommandArb, serverRules } from './server.js';
import { setCommandArb, setRules } from './sets.js';
import { stringCommandArb, stringRules } from './strings.js';
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
} as const;

/**
 * Blocking commands among the writes that serve them. Redis answers a block that times out only
 * at its next event-loop wake-up, so these run on a server of their own with a higher hz.
 */
export const blockingMixArb: fc.Arbitrary<string[]> = fc.oneof(blockingCommandArb, listCommandArb, zsetCommandArb, streamCommandArb);

export const allRules: Rules = { ...stringRules, ...keyRules, ...listRules, ...hashRules, ...setRules, ...zsetRules, ...serverRules, ...streamRules, ...blockingRules, ...bitmapRules, ...hyperloglogRules, ...geoRules };

/** Commands of every type on the same keys, with server commands (SELECT, MULTI …) less often. */
export const mixedCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  { arbitrary: stringCommandArb, weight: 3 },
  { arbitrary: keyCommandArb, weight: 3 },
  { arbitrary: listCommandArb, weight: 3 },
  { arbitrary: hashCommandArb, weight: 3 },
  { arbitrary: setCommandArb, weight: 3 },
  { arbitrary: zsetCommandArb, weight: 3 },
  { arbitrary: serverCommandArb, weight: 1 },
  { arbitrary: streamCommandArb, weight: 3 },
  { arbitrary: bitmapCommandArb, weight: 2 },
  { arbitrary: hyperloglogCommandArb, weight: 1 },
  { arbitrary: geoCommandArb, weight: 2 },
);
