// The acknowledged writes of a run and a fingerprint of each key after each of them. After
// recovery it answers: is the recovered dataset the state after some prefix of the acknowledged
// writes (nothing from the future, nothing reordered), and which prefix?
import type { Engine } from '../engine/index.js';
import { ABSENT, KeyPrints, recoveredPrint } from './key-prints.js';

export interface AckedWrite {
  /** 1-based position in the acknowledged history. */
  seq: number;
  /** Virtual ms when the reply was released. */
  at: number;
  /** The key it wrote. */
  key: string;
}

export interface PrefixAnalysis {
  /** The longest prefix of acknowledged writes whose state equals the recovered dataset. */
  prefix: number | null;
  /**
   * Every prefix length whose state equals the recovered data, as [lo, hi] ranges (a write that
   * changed nothing, such as DEL of a missing key, makes several lengths equivalent).
   */
  feasible: [number, number][];
  /** Keys whose recovered value matches no consistent prefix (empty when prefix is not null). */
  inconsistentKeys: string[];
  /** Acknowledged writes after the prefix, i.e. lost. */
  lost: AckedWrite[];
  /** Writes whose reply was out by the crash; later ones were in flight and may go either way. */
  acknowledged: number;
}

export class WriteHistory {
  // Columns in typed arrays, one entry per write: a run acknowledges up to a million writes, and
  // arrays of JS values that live to the end of the run are what the garbage collector copies
  // again and again; typed arrays' bytes are not on its heap. A key's writes are chained from
  // its last one backwards.
  private ats: Float64Array;
  private keyIds: Int32Array;
  private prints: Float64Array;
  private previousOfKey: Int32Array;
  private count = 0;
  /** Keys in the order of their first write, and each one's id and last write (-1: none). */
  private readonly keys: string[] = [];
  private readonly idOf = new Map<string, number>();
  private readonly lastOfKey: number[] = [];
  private readonly keyPrints = new KeyPrints();

  /**
   * `expected`: about how many writes the run will acknowledge. The columns are made that size
   * at once: pages of a new array cost nothing until written, while doubling writes every
   * write again into new ones.
   */
  constructor(expected = 1024) {
    const size = expected > 1024 ? Math.min(Math.ceil(expected), 1 << 24) : 1024;
    this.ats = new Float64Array(size);
    this.keyIds = new Int32Array(size);
    this.prints = new Float64Array(size);
    this.previousOfKey = new Int32Array(size);
  }

  get length(): number {
    return this.count;
  }

  /** Records a write whose reply the client has received. */
  ack(argv: readonly string[], at: number): void {
    const key = argv[1]!;
    let id = this.idOf.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.idOf.set(key, id);
      this.keys.push(key);
      this.lastOfKey.push(-1);
    }
    if (this.count === this.ats.length) this.grow();
    const i = this.count++;
    this.ats[i] = at;
    this.keyIds[i] = id;
    this.prints[i] = this.keyPrints.apply(argv);
    this.previousOfKey[i] = this.lastOfKey[id]!;
    this.lastOfKey[id] = i;
  }

  private grow(): void {
    const size = this.ats.length * 2;
    const grown = <T extends Float64Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.ats = grown(this.ats, (n) => new Float64Array(n));
    this.prints = grown(this.prints, (n) => new Float64Array(n));
    this.keyIds = grown(this.keyIds, (n) => new Int32Array(n));
    this.previousOfKey = grown(this.previousOfKey, (n) => new Int32Array(n));
  }

  /** The 0-based positions of a key's writes, in order. */
  private writesOf(key: string): number[] {
    const id = this.idOf.get(key);
    const positions: number[] = [];
    for (let i = id === undefined ? -1 : this.lastOfKey[id]!; i >= 0; i = this.previousOfKey[i]!) positions.push(i);
    return positions.reverse();
  }

  /**
   * `crashAt`: replies released after it never reached the client. `expected`: the prefix the
   * policy says should have survived (a snapshot's); when the data is equally the state after it
   * and after other prefixes (writes that changed nothing, such as DEL of a missing key), it is
   * the one reported, so counts and verdicts tell the same story.
   */
  analyze(recovered: Engine, crashAt = Infinity, expected: number | null = null): PrefixAnalysis {
    const n = this.count;
    let acknowledged = n;
    while (acknowledged > 0 && this.ats[acknowledged - 1]! > crashAt) acknowledged--;
    // Feasible prefixes as sorted, disjoint [lo, hi] intervals, narrowed key by key.
    let feasible: [number, number][] = [[0, n]];
    const inconsistentKeys: string[] = [];
    const keys = new Set([...this.keys, ...recovered.dbs[0]!.dict.keys()]);
    for (const key of keys) {
      const print = recoveredPrint(recovered, key);
      // The key's writes as 1-based seqs: after write seq the key holds that write's print until its next write.
      const writes = this.writesOf(key);
      const allowed: [number, number][] = [];
      if (print === ABSENT) allowed.push([0, (writes.length > 0 ? writes[0]! + 1 : n + 1) - 1]);
      for (let w = 0; w < writes.length; w++) if (this.prints[writes[w]!] === print) allowed.push([writes[w]! + 1, (w + 1 < writes.length ? writes[w + 1]! + 1 : n + 1) - 1]);
      const narrowed = intersect(feasible, allowed);
      if (narrowed.length === 0) inconsistentKeys.push(key);
      else feasible = narrowed;
    }
    if (inconsistentKeys.length > 0) return { prefix: null, feasible: [], inconsistentKeys, lost: [], acknowledged };
    const prefix = expected !== null && feasible.some(([lo, hi]) => lo <= expected && expected <= hi) ? expected : feasible.at(-1)![1];
    const lost: AckedWrite[] = [];
    for (let i = prefix; i < acknowledged; i++) lost.push({ seq: i + 1, at: this.ats[i]!, key: this.keys[this.keyIds[i]!]! });
    return { prefix, feasible, inconsistentKeys, lost, acknowledged };
  }
}

function intersect(a: readonly [number, number][], b: readonly [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [alo, ahi] of a) {
    for (const [blo, bhi] of b) {
      const lo = Math.max(alo, blo);
      const hi = Math.min(ahi, bhi);
      if (lo <= hi) out.push([lo, hi]);
    }
  }
  return out.sort((x, y) => x[0] - y[0]);
}
