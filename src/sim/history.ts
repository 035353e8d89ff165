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
  argv: readonly string[];
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
  readonly writes: AckedWrite[] = [];
  private readonly prints = new KeyPrints();
  /** Per key: the seq of each write to it and the key's fingerprint after it. */
  private readonly perKey = new Map<string, { seq: number; print: number }[]>();

  get length(): number {
    return this.writes.length;
  }

  /** Records a write whose reply the client has received. */
  ack(argv: readonly string[], at: number): void {
    const seq = this.writes.length + 1;
    this.writes.push({ seq, at, argv });
    const key = argv[1]!;
    let entries = this.perKey.get(key);
    if (!entries) this.perKey.set(key, (entries = []));
    entries.push({ seq, print: this.prints.apply(argv) });
  }

  /**
   * `crashAt`: replies released after it never reached the client. `expected`: the prefix the
   * policy says should have survived (a snapshot's); when the data is equally the state after it
   * and after other prefixes (writes that changed nothing, such as DEL of a missing key), it is
   * the one reported, so counts and verdicts tell the same story.
   */
  analyze(recovered: Engine, crashAt = Infinity, expected: number | null = null): PrefixAnalysis {
    const n = this.writes.length;
    let acknowledged = n;
    while (acknowledged > 0 && this.writes[acknowledged - 1]!.at > crashAt) acknowledged--;
    const client = recovered.createClient();
    // Feasible prefixes as sorted, disjoint [lo, hi] intervals, narrowed key by key.
    let feasible: [number, number][] = [[0, n]];
    const inconsistentKeys: string[] = [];
    const keys = new Set([...this.perKey.keys(), ...recovered.dbs[0]!.dict.keys()]);
    for (const key of keys) {
      const print = recoveredPrint(recovered, client, key);
      const entries = this.perKey.get(key) ?? [];
      const allowed: [number, number][] = [];
      if (print === ABSENT) allowed.push([0, (entries[0]?.seq ?? n + 1) - 1]);
      entries.forEach((e, i) => {
        if (e.print === print) allowed.push([e.seq, (entries[i + 1]?.seq ?? n + 1) - 1]);
      });
      const narrowed = intersect(feasible, allowed);
      if (narrowed.length === 0) inconsistentKeys.push(key);
      else feasible = narrowed;
    }
    if (inconsistentKeys.length > 0) return { prefix: null, feasible: [], inconsistentKeys, lost: [], acknowledged };
    const prefix = expected !== null && feasible.some(([lo, hi]) => lo <= expected && expected <= hi) ? expected : feasible.at(-1)![1];
    return { prefix, feasible, inconsistentKeys, lost: this.writes.slice(prefix, Math.max(prefix, acknowledged)), acknowledged };
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
