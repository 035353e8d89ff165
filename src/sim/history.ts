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

/** One key's writes: the seq of each and the key's fingerprint after it. */
interface KeyWrites {
  key: string;
  seqs: number[];
  prints: number[];
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
  // Columns rather than an object per write, and each write's key as the one entry its key has
  // (not the write's own strings): a long run acknowledges millions of writes, and what lives to
  // the end of the run is what the garbage collector pays for.
  private readonly keyOf: KeyWrites[] = [];
  private readonly ats: number[] = [];
  private readonly prints = new KeyPrints();
  private readonly perKey = new Map<string, KeyWrites>();

  get length(): number {
    return this.ats.length;
  }

  /** Records a write whose reply the client has received. */
  ack(argv: readonly string[], at: number): void {
    const key = argv[1]!;
    let entries = this.perKey.get(key);
    if (!entries) this.perKey.set(key, (entries = { key, seqs: [], prints: [] }));
    this.keyOf.push(entries);
    this.ats.push(at);
    entries.seqs.push(this.ats.length);
    entries.prints.push(this.prints.apply(argv));
  }

  /**
   * `crashAt`: replies released after it never reached the client. `expected`: the prefix the
   * policy says should have survived (a snapshot's); when the data is equally the state after it
   * and after other prefixes (writes that changed nothing, such as DEL of a missing key), it is
   * the one reported, so counts and verdicts tell the same story.
   */
  analyze(recovered: Engine, crashAt = Infinity, expected: number | null = null): PrefixAnalysis {
    const n = this.ats.length;
    let acknowledged = n;
    while (acknowledged > 0 && this.ats[acknowledged - 1]! > crashAt) acknowledged--;
    const client = recovered.createClient();
    // Feasible prefixes as sorted, disjoint [lo, hi] intervals, narrowed key by key.
    let feasible: [number, number][] = [[0, n]];
    const inconsistentKeys: string[] = [];
    const keys = new Set([...this.perKey.keys(), ...recovered.dbs[0]!.dict.keys()]);
    for (const key of keys) {
      const print = recoveredPrint(recovered, client, key);
      const { seqs, prints } = this.perKey.get(key) ?? { seqs: [], prints: [] };
      const allowed: [number, number][] = [];
      if (print === ABSENT) allowed.push([0, (seqs[0] ?? n + 1) - 1]);
      for (let i = 0; i < seqs.length; i++) if (prints[i] === print) allowed.push([seqs[i]!, (seqs[i + 1] ?? n + 1) - 1]);
      const narrowed = intersect(feasible, allowed);
      if (narrowed.length === 0) inconsistentKeys.push(key);
      else feasible = narrowed;
    }
    if (inconsistentKeys.length > 0) return { prefix: null, feasible: [], inconsistentKeys, lost: [], acknowledged };
    const prefix = expected !== null && feasible.some(([lo, hi]) => lo <= expected && expected <= hi) ? expected : feasible.at(-1)![1];
    const lost: AckedWrite[] = [];
    for (let i = prefix; i < acknowledged; i++) lost.push({ seq: i + 1, at: this.ats[i]!, key: this.keyOf[i]!.key });
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
