// Fingerprints of a key's value, kept up to date write by write for the workload's commands and
// computed once for a recovered value, so recovery analysis compares each key in O(1) per write
// instead of digesting a growing collection after every write. Lists fold their elements in
// order; hashes, sets and sorted sets XOR one hash per member, so an update is a remove and an
// add. 53 bits from two 32-bit FNV-style hashes: a false match is a chance in 10^15.
import { stringBytes, typeOf, type Engine, type HashValue, type ListValue, type SetValue, type ZSetValue } from '../engine/index.js';

/** The fingerprint of a missing key. */
export const ABSENT = 0;

// The running hash: two 32-bit lanes fed text piece by piece, so a member made of several parts
// is hashed without building its string (the recorder runs once per acknowledged write).
let laneA = 0;
let laneB = 0;

function hashStart(tag: number): void {
  laneA = 0x811c9dc5 ^ tag;
  laneB = 0x9747b28c ^ Math.imul(tag, 0x85ebca6b);
}

function hashFeed(text: string): void {
  let a = laneA;
  let b = laneB;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  laneA = a;
  laneB = b;
}

/** Feeds `${part.length}:${part}`, one part of a member. */
function hashPart(part: string): void {
  hashFeed(String(part.length));
  hashFeed(':');
  hashFeed(part);
}

function print(a: number, b: number, type: number): number {
  // Never ABSENT: the type is folded in and the low bit set.
  return ((a ^ Math.imul(type, 0x27d4eb2d)) & 0x1fffff) * 0x100000000 + ((b | 1) >>> 0);
}

const STRING = 1;
const LIST = 2;
const HASH = 3;
const SET = 4;
const ZSET = 5;

/**
 * What is kept per key between writes: enough to fold in the next write. One shape for every
 * type, changed in place: `a`/`b` are the accumulated lanes of a collection.
 */
interface KeyState {
  type: number;
  value: string;
  a: number;
  b: number;
  /** A hash's fields, or a sorted set's scores by member (as score() spells them). */
  fields: Map<string, string> | null;
  scores: Map<string, string> | null;
}

const score = (text: string) => String(Number(text));

/** A collection's accumulated lanes: the writes' side keeps one per key, a recovered value makes one. */
interface Lanes {
  a: number;
  b: number;
}

/** The print of a string value. */
function stringPrint(value: string): number {
  hashStart(STRING);
  hashFeed(value);
  return print(laneA >>> 0, laneB >>> 0, STRING);
}

/** Folds a list element in, in order. */
function foldElement(lanes: Lanes, element: string): void {
  hashStart(LIST);
  hashFeed(element);
  lanes.a = Math.imul(lanes.a ^ (laneA >>> 0), 0x01000193) >>> 0;
  lanes.b = Math.imul((lanes.b ^ (laneB >>> 0)) >>> 0, 0x5bd1e995) >>> 0;
}

/** XORs a set member in (or out). */
function xorSetMember(lanes: Lanes, member: string): void {
  hashStart(SET);
  hashFeed(member);
  lanes.a = (lanes.a ^ laneA) >>> 0;
  lanes.b = (lanes.b ^ laneB) >>> 0;
}

/** XORs a two-part member (field and value, member and score) in (or out). */
function xorPair(lanes: Lanes, type: number, first: string, second: string): void {
  hashStart(type);
  hashPart(first);
  hashPart(second);
  lanes.a = (lanes.a ^ laneA) >>> 0;
  lanes.b = (lanes.b ^ laneB) >>> 0;
}

/** The writes' effect on each key, as fingerprints after each write. */
export class KeyPrints {
  private readonly states = new Map<string, KeyState>();

  /** Applies one workload write; returns the key's fingerprint after it. */
  apply(argv: readonly string[]): number {
    const key = argv[1]!;
    const old = this.states.get(key);
    // The workload spells its commands in capitals: no new string per write for them.
    const command = typeOfWrite.has(argv[0]!) ? argv[0]! : argv[0]!.toUpperCase();
    if (command === 'DEL') {
      this.states.delete(key);
      return ABSENT;
    }
    const type = typeOfWrite.get(command);
    if (type === undefined) throw new Error(`the recovery analysis does not know ${command}`);
    // A write that makes a key of another type starts from nothing, as after a DEL.
    const state = old !== undefined && old.type === type ? old : { type, value: '', a: 0, b: 0, fields: null, scores: null };
    if (state !== old) this.states.set(key, state);
    switch (type) {
      case STRING:
        state.value = command.length === 3 ? argv[2]! : String((state.value === '' ? 0 : Number(state.value)) + 1);
        return stringPrint(state.value);
      case LIST:
        for (let i = 2; i < argv.length; i++) foldElement(state, argv[i]!);
        break;
      case HASH: {
        const fields = (state.fields ??= new Map());
        for (let i = 2; i + 1 < argv.length; i += 2) {
          const field = argv[i]!;
          const previous = fields.get(field);
          if (previous !== undefined) xorPair(state, HASH, field, previous);
          fields.set(field, argv[i + 1]!);
          xorPair(state, HASH, field, argv[i + 1]!);
        }
        break;
      }
      case SET:
        // The workload's members are unique: each one is new.
        for (let i = 2; i < argv.length; i++) xorSetMember(state, argv[i]!);
        break;
      case ZSET: {
        const scores = (state.scores ??= new Map());
        for (let i = 2; i + 1 < argv.length; i += 2) {
          const m = argv[i + 1]!;
          const previous = scores.get(m);
          if (previous !== undefined) xorPair(state, ZSET, m, previous);
          const spelled = score(argv[i]!);
          scores.set(m, spelled);
          xorPair(state, ZSET, m, spelled);
        }
        break;
      }
    }
    return print(state.a, state.b, type);
  }
}

/** The type each workload write makes its key (DEL: none). */
const typeOfWrite = new Map<string, number>([
  ['SET', STRING],
  ['INCR', STRING],
  ['RPUSH', LIST],
  ['HSET', HASH],
  ['SADD', SET],
  ['ZADD', ZSET],
  ['DEL', ABSENT],
]);

/** The fingerprint of `key` in a recovered dataset (db 0), read from its value as the writes were folded. */
export function recoveredPrint(engine: Engine, key: string): number {
  const db = engine.dbs[0]!;
  // As a command would see it: a key whose time has passed is gone.
  if (engine.expireIfNeeded(db, key)) return ABSENT;
  const value = db.dict.get(key);
  if (value === undefined) return ABSENT;
  const text = stringBytes(value);
  if (text !== null) return stringPrint(text);
  const lanes: Lanes = { a: 0, b: 0 };
  switch (typeOf(value)) {
    case 'list':
      for (const element of (value as ListValue).items) foldElement(lanes, element);
      return print(lanes.a, lanes.b, LIST);
    case 'hash':
      for (const [field, fieldValue] of (value as HashValue).fields) xorPair(lanes, HASH, field, fieldValue);
      return print(lanes.a, lanes.b, HASH);
    case 'set':
      for (const member of (value as SetValue).members) xorSetMember(lanes, member);
      return print(lanes.a, lanes.b, SET);
    case 'zset':
      for (const entry of (value as ZSetValue).ordered()) xorPair(lanes, ZSET, entry.member, String(entry.score));
      return print(lanes.a, lanes.b, ZSET);
    default:
      // A type the workload never writes: no prefix of its writes can have made it.
      return -1;
  }
}
