// PFSELFTEST as hyperloglog.c runs it: 1000 rounds of random values written to and read back
// from the 6-bit dense registers, then 10 million elements added to a dense and a sparse HLL
// side by side, checking at 1, 10, 100 … that both agree and stay within six standard errors.
// The randomness comes from the engine's Rng; Redis's own rand() is no more reproducible.
import { binToBytes } from '../bytes.js';
import type { CommandContext } from '../context.js';
import {
  denseRaise,
  denseRegister,
  emptyHll,
  HLL_DENSE_SIZE,
  HLL_HEADER,
  HLL_REGISTERS,
  hllAdd,
  hllCount,
  patternOf,
  setDenseRegister,
} from '../keyspace/hyperloglog.js';
import { RawString } from '../keyspace/raw-string.js';
import { OK, type Reply } from '../resp/reply.js';
import { fail } from './types.js';

const CYCLES = 1000;
const ELEMENTS = 10_000_000;

export function pfselftest(ctx: CommandContext): Reply {
  const rng = ctx.engine.rng;
  const denseHll = RawString.ofBytes(new Uint8Array(HLL_DENSE_SIZE));
  const dense = denseHll.writable();
  dense.set(binToBytes('HYLL'));
  const expected = new Uint8Array(HLL_REGISTERS);
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      expected[i] = rng.nextUint32() & 63;
      setDenseRegister(dense, i, expected[i]!);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const value = denseRegister(dense, i);
      if (value !== expected[i]) fail(`ERR TESTFAILED Register ${i} should be ${expected[i]} but is ${value}`);
    }
  }
  dense.fill(0, HLL_HEADER);
  const sparse = RawString.ofBytes(emptyHll());
  const relativeError = 1.04 / Math.sqrt(HLL_REGISTERS);
  const seedLo = rng.nextUint32();
  const seedHi = rng.nextUint32();
  const high = uint32Bytes(seedHi);
  let checkpoint = 1;
  for (let j = 1; j <= ELEMENTS; j++) {
    // j ^ seed, j being below 2^32.
    const element = uint32Bytes((j ^ seedLo) >>> 0) + high;
    const { index, count } = patternOf(element);
    denseRaise(dense, index, count);
    hllAdd(sparse, element, ctx.limits.hllSparseMaxBytes);
    if (j !== checkpoint) continue;
    if (j < ctx.limits.hllSparseMaxBytes / 2 && sparse.charCodeAt(4) !== 1) fail('ERR TESTFAILED sparse encoding not used');
    const card = hllCount(denseHll)!;
    if (card !== hllCount(sparse)) fail('ERR TESTFAILED dense/sparse disagree');
    // Cardinality 10 may collide now and then: one off is allowed there.
    const maxError = j === 10 ? 1 : Math.ceil(relativeError * 6 * checkpoint);
    const error = Math.abs(checkpoint - Number(card));
    if (error > maxError) fail(`ERR TESTFAILED Too big error. card:${checkpoint} abserr:${error}`);
    checkpoint *= 10;
  }
  return OK;
}

/** A uint32's 4 little-endian bytes (the C test hashes the uint64 in memory). */
function uint32Bytes(value: number): string {
  return String.fromCharCode(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24);
}
