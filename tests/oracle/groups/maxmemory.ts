// Generators for maxmemory and the eviction policies. Only limits on which the lab's memory
// estimate and redis's used_memory agree are used: 0 (no limit), 1 byte (always exceeded, even
// empty) and 1gb (never reached), so what is evicted (every key, or every key with a TTL) and
// which commands get OOM is the same on both sides, whatever order the keys go in.
import fc from 'fast-check';
import { MAXMEMORY_POLICIES } from '../../../src/engine/config.js';
import type { Rules } from '../../support/differential.js';

const keyArb = fc.constantFrom('m1', 'm2', 'm3', 'm4');
const valueArb = fc.constantFrom('v', 'value', 'x'.repeat(50));

export const maxmemoryCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(keyArb, valueArb).map(([k, v]) => ['SET', k, v]) },
  { weight: 2, arbitrary: fc.tuple(keyArb, valueArb).map(([k, v]) => ['SET', k, v, 'EX', '1000']) },
  { weight: 1, arbitrary: fc.tuple(keyArb, valueArb).map(([k, v]) => ['RPUSH', k, v]) },
  { weight: 1, arbitrary: keyArb.map((k) => ['INCR', k]) },
  { weight: 2, arbitrary: keyArb.map((k) => ['GET', k]) },
  { weight: 1, arbitrary: keyArb.map((k) => ['DEL', k]) },
  { weight: 1, arbitrary: keyArb.map((k) => ['EXPIRE', k, '1000']) },
  { weight: 2, arbitrary: fc.constantFrom('0', '1', '1gb', '0').map((v) => ['CONFIG', 'SET', 'maxmemory', v]) },
  { weight: 2, arbitrary: fc.constantFrom(...MAXMEMORY_POLICIES).map((p) => ['CONFIG', 'SET', 'maxmemory-policy', p]) },
  { weight: 1, arbitrary: fc.constantFrom(...MAXMEMORY_POLICIES).map((p) => ['CONFIG', 'SET', 'maxmemory-policy', p, 'maxmemory', '1']) },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu', 'maxmemory', '1'], ['CONFIG', 'SET', 'maxmemory', '1', 'maxmemory-policy', 'volatile-ttl']) },
  { weight: 2, arbitrary: fc.constantFrom<string[]>(['DBSIZE'], ['MULTI'], ['EXEC'], ['DISCARD'], ['PING'], ['SELECT', '1'], ['SELECT', '0'], ['FLUSHALL'], ['CONFIG', 'GET', 'maxmemory'], ['CONFIG', 'GET', 'maxmemory-policy'], ['INFO', 'stats'], ['INFO', 'keyspace']) },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['CONFIG', 'SET', 'maxmemory-policy', 'lru'], ['CONFIG', 'SET', 'maxmemory', '-1'], ['CONFIG', 'SET', 'maxmemory-samples', '0'], ['CONFIG', 'SET', 'maxmemory-eviction-tenacity', '101']) },
);

/** INFO's evicted_keys and keyspace lines, to compare the effect of evictions. */
function infoFields(_argv: readonly string[], reply: { kind: string; value: unknown }) {
  if (reply.kind !== 'bulk' || typeof reply.value !== 'string') return reply as never;
  const lines = reply.value
    .split('\r\n')
    .filter((l) => l.startsWith('evicted_keys:') || /^db\d+:/.test(l))
    .map((l) => l.replace(/,avg_ttl=\d+/, ''));
  return { kind: 'status', value: lines.join(' ') } as never;
}

export const maxmemoryRules: Rules = { info: { normalize: infoFields } };
