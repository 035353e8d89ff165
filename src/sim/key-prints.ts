// Fingerprints of a key's value, kept up to date write by write for the workload's commands and
// computed once for a recovered value, so recovery analysis compares each key in O(1) per write
// instead of digesting a growing collection after every write. Lists fold their elements in
// order; hashes, sets and sorted sets XOR one hash per member, so an update is a remove and an
// add. 53 bits from two 32-bit FNV-style hashes: a false match is a chance in 10^15.
import type { Client, Engine, Reply } from '../engine/index.js';

/** The fingerprint of a missing key. */
export const ABSENT = 0;

type Pair = [number, number];

function hashPair(text: string, tag: number): Pair {
  let a = 0x811c9dc5 ^ tag;
  let b = 0x9747b28c ^ Math.imul(tag, 0x85ebca6b);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, b >>> 0];
}

function print([a, b]: Pair, type: number): number {
  // Never ABSENT: the type is folded in and the low bit set.
  return ((a ^ Math.imul(type, 0x27d4eb2d)) & 0x1fffff) * 0x100000000 + ((b | 1) >>> 0);
}

const STRING = 1;
const LIST = 2;
const HASH = 3;
const SET = 4;
const ZSET = 5;

/** What is kept per key between writes: enough to fold in the next write. */
type KeyState =
  | { type: typeof STRING; value: string }
  | { type: typeof LIST; acc: Pair }
  | { type: typeof HASH; acc: Pair; fields: Map<string, string> }
  | { type: typeof SET; acc: Pair }
  | { type: typeof ZSET; acc: Pair; scores: Map<string, number> };

const xor = (acc: Pair, h: Pair): Pair => [(acc[0] ^ h[0]) >>> 0, (acc[1] ^ h[1]) >>> 0];
const fold = (acc: Pair, h: Pair): Pair => [Math.imul(acc[0] ^ h[0], 0x01000193) >>> 0, Math.imul((acc[1] ^ h[1]) >>> 0, 0x5bd1e995) >>> 0];
const member = (...parts: string[]) => parts.map((p) => `${p.length}:${p}`).join('');
const score = (text: string) => String(Number(text));

/** The writes' effect on each key, as fingerprints after each write. */
export class KeyPrints {
  private readonly states = new Map<string, KeyState>();

  /** Applies one workload write; returns the key's fingerprint after it. */
  apply(argv: readonly string[]): number {
    const key = argv[1]!;
    const state = this.states.get(key);
    let next: KeyState | null;
    switch (argv[0]!.toUpperCase()) {
      case 'SET':
        next = { type: STRING, value: argv[2]! };
        break;
      case 'INCR':
        next = { type: STRING, value: String((state?.type === STRING ? Number(state.value) : 0) + 1) };
        break;
      case 'DEL':
        next = null;
        break;
      case 'RPUSH': {
        let acc: Pair = state?.type === LIST ? state.acc : [0, 0];
        for (const element of argv.slice(2)) acc = fold(acc, hashPair(element, LIST));
        next = { type: LIST, acc };
        break;
      }
      case 'HSET': {
        const fields = state?.type === HASH ? state.fields : new Map<string, string>();
        let acc: Pair = state?.type === HASH ? state.acc : [0, 0];
        for (let i = 2; i + 1 < argv.length; i += 2) {
          const old = fields.get(argv[i]!);
          if (old !== undefined) acc = xor(acc, hashPair(member(argv[i]!, old), HASH));
          fields.set(argv[i]!, argv[i + 1]!);
          acc = xor(acc, hashPair(member(argv[i]!, argv[i + 1]!), HASH));
        }
        next = { type: HASH, acc, fields };
        break;
      }
      case 'SADD': {
        // The workload's members are unique: each one is new.
        let acc: Pair = state?.type === SET ? state.acc : [0, 0];
        for (const m of argv.slice(2)) acc = xor(acc, hashPair(m, SET));
        next = { type: SET, acc };
        break;
      }
      case 'ZADD': {
        const scores = state?.type === ZSET ? state.scores : new Map<string, number>();
        let acc: Pair = state?.type === ZSET ? state.acc : [0, 0];
        for (let i = 2; i + 1 < argv.length; i += 2) {
          const m = argv[i + 1]!;
          const old = scores.get(m);
          if (old !== undefined) acc = xor(acc, hashPair(member(m, String(old)), ZSET));
          scores.set(m, Number(argv[i]));
          acc = xor(acc, hashPair(member(m, score(argv[i]!)), ZSET));
        }
        next = { type: ZSET, acc, scores };
        break;
      }
      default:
        throw new Error(`the recovery analysis does not know ${argv[0]}`);
    }
    if (next) this.states.set(key, next);
    else this.states.delete(key);
    return next ? printOf(next) : ABSENT;
  }
}

function printOf(state: KeyState): number {
  return state.type === STRING ? print(hashPair(state.value, STRING), STRING) : print(state.acc, state.type);
}

/** The fingerprint of `key` in a recovered dataset (db 0), read through commands. */
export function recoveredPrint(engine: Engine, client: Client, key: string): number {
  const run = (...argv: string[]): Reply => engine.execute(client, argv);
  const type = run('TYPE', key);
  const items = (reply: Reply): string[] => (reply.kind === 'array' && reply.value ? reply.value.map((r) => (r.kind === 'bulk' ? (r.value ?? '') : '')) : []);
  switch (type.kind === 'status' ? type.value : 'none') {
    case 'none':
      return ABSENT;
    case 'string': {
      const value = run('GET', key);
      return print(hashPair(value.kind === 'bulk' ? (value.value ?? '') : '', STRING), STRING);
    }
    case 'list':
      return print(items(run('LRANGE', key, '0', '-1')).reduce<Pair>((acc, e) => fold(acc, hashPair(e, LIST)), [0, 0]), LIST);
    case 'hash': {
      const flat = items(run('HGETALL', key));
      let acc: Pair = [0, 0];
      for (let i = 0; i + 1 < flat.length; i += 2) acc = xor(acc, hashPair(member(flat[i]!, flat[i + 1]!), HASH));
      return print(acc, HASH);
    }
    case 'set':
      return print(items(run('SMEMBERS', key)).reduce<Pair>((acc, m) => xor(acc, hashPair(m, SET)), [0, 0]), SET);
    case 'zset': {
      const flat = items(run('ZRANGE', key, '0', '-1', 'WITHSCORES'));
      let acc: Pair = [0, 0];
      for (let i = 0; i + 1 < flat.length; i += 2) acc = xor(acc, hashPair(member(flat[i]!, score(flat[i + 1]!)), ZSET));
      return print(acc, ZSET);
    }
    default:
      // A type the workload never writes: no prefix of its writes can have made it.
      return -1;
  }
}
