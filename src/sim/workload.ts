// The seeded write workload: arrival times (exponential gaps at the configured rate) and write
// commands over a fixed key space per type, every value unique so recovery can tell exactly
// which writes survived. The export's standalone src/export/workload.mjs repeats this generator
// for real servers; tests/unit/export.test.ts holds the two equal write for write.
import { randomBelow, seededRng, type Rng } from '../engine/index.js';
import type { Workload, WorkloadMix } from '../scenario/scenario.js';

const KINDS: readonly (keyof WorkloadMix)[] = ['set', 'incr', 'list', 'hash', 'sadd', 'zadd', 'del'];
const KEY_PREFIX: Record<keyof WorkloadMix, string> = { set: 'str', incr: 'counter', list: 'list', hash: 'hash', sadd: 'set', zadd: 'zset', del: 'str' };

/** The scenario's workload for a run with `seed`: the same writes at the same instants every time. */
export function seededWorkload(spec: Workload, seed: number): WorkloadGenerator {
  return new WorkloadGenerator(spec, seededRng(seed ^ 0x5eed));
}

export class WorkloadGenerator {
  private readonly weights: number[];
  private readonly totalWeight: number;
  private readonly zipfCdf: Float64Array | null;
  private seq = 0;

  constructor(
    private readonly spec: Workload,
    private readonly rng: Rng,
  ) {
    this.weights = KINDS.map((k) => spec.mix[k]);
    this.totalWeight = this.weights.reduce((a, b) => a + b, 0);
    this.zipfCdf = spec.distribution === 'zipf' ? zipfCdf(spec.keys) : null;
  }

  /** Virtual ms until the next operation. */
  nextGap(): number {
    if (this.spec.rate <= 0) return Infinity;
    const u = (this.rng.nextUint32() + 1) / 0x100000001;
    return (-Math.log(u) * 1000) / this.spec.rate;
  }

  next(): string[] {
    const seq = ++this.seq;
    let pick = randomBelow(this.rng, this.totalWeight);
    let kind: keyof WorkloadMix = 'set';
    for (let i = 0; i < KINDS.length; i++) {
      if (pick < this.weights[i]!) {
        kind = KINDS[i]!;
        break;
      }
      pick -= this.weights[i]!;
    }
    const key = `${KEY_PREFIX[kind]}:${this.keyIndex()}`;
    switch (kind) {
      case 'set':
        return ['SET', key, valueOf(seq, this.spec.valueSize)];
      case 'incr':
        return ['INCR', key];
      case 'list':
        return ['RPUSH', key, `v${seq}`];
      case 'hash':
        return ['HSET', key, `f${seq % 16}`, `v${seq}`];
      case 'sadd':
        return ['SADD', key, `m${seq}`];
      case 'zadd':
        return ['ZADD', key, String(seq), `m${seq % 32}`];
      case 'del':
        return ['DEL', key];
    }
  }

  private keyIndex(): number {
    if (!this.zipfCdf) return randomBelow(this.rng, this.spec.keys);
    const u = this.rng.nextUint32() / 0x100000000;
    let lo = 0;
    let hi = this.zipfCdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.zipfCdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// The padding of each length, made once: a run writes up to a million values.
const padding: string[] = [];

function valueOf(seq: number, size: number): string {
  const head = `v${seq}:`;
  if (head.length >= size) return head;
  const length = size - head.length;
  return head + (padding[length] ??= 'x'.repeat(length));
}

/** Zipf with exponent 1: key i is chosen with weight 1/(i+1). */
function zipfCdf(n: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / (i + 1);
  for (let i = 0; i < n; i++) cdf[i]! /= sum;
  return cdf;
}
