// LZF as liblzf encodes it: literal runs of up to 32 bytes and back-references of 3..264 bytes
// up to 8 KiB back. The compressor is lzf_c.c as redis builds it (HLOG 16, VERY_FAST, the
// early-exit tests on the output size), so DUMP payloads and RDB strings come out as redis's
// bytes. redis does not clear its hash table between calls (INIT_HTAB 0); this one starts each
// call from an empty table, which gives redis's output except when a stale entry of redis's
// happens to offer a match (rare: it takes a 3-byte repeat at a position lzf skipped).

const HLOG = 16;
const MAX_LIT = 32;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * The decompressed bytes, or why the stream is not a valid LZF stream of that length. With
 * `into` (at least expectedLength long) the bytes land there and a view of them is returned.
 */
export function lzfDecompress(input: Uint8Array, expectedLength: number, into?: Uint8Array): Uint8Array | string {
  const out = into ? into.subarray(0, expectedLength) : new Uint8Array(expectedLength);
  return lzfInflate(input, 0, input.length, out, expectedLength) ?? out;
}

/**
 * Inflates bytes [ip, inEnd) of `input` into the start of `out` (at least `expectedLength`
 * long), without making a view of either; why they are not valid LZF, or null.
 */
export function lzfInflate(input: Uint8Array, ip: number, inEnd: number, out: Uint8Array, expectedLength: number): string | null {
  let op = 0;
  while (ip < inEnd) {
    const ctrl = input[ip++]!;
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (op + run > expectedLength) return 'output longer than the declared length';
      if (ip + run > inEnd) return 'literal run past the end of the input';
      // Runs are at most 32 bytes: a loop beats making a subarray for set().
      for (let i = 0; i < run; i++) out[op + i] = input[ip + i]!;
      ip += run;
      op += run;
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) {
      if (ip >= inEnd) return 'back-reference cut short';
      len += input[ip++]!;
    }
    if (ip >= inEnd) return 'back-reference cut short';
    const ref = op - ((ctrl & 0x1f) << 8) - input[ip++]! - 1;
    len += 2;
    if (ref < 0) return 'back-reference before the start of the output';
    if (op + len > expectedLength) return 'output longer than the declared length';
    for (let i = 0; i < len; i++) out[op + i] = out[ref + i]!;
    op += len;
  }
  if (op !== expectedLength) return `output is ${op} bytes, expected ${expectedLength}`;
  return null;
}

const htab = new Float64Array(1 << HLOG);
// Slots hold base + position, so entries of earlier calls (below base) read as empty, as a
// cleared table would.
let base = 0;

/** Where the output is made: an RDB compresses a string per key, each copied out at once. */
let scratch = new Uint8Array(1 << 12);

/**
 * Compressed bytes, or null when they would not fit in `outLength` (lzf_compress returning 0).
 * They are valid until the next call: copy them out.
 */
export function lzfCompress(input: Uint8Array, outLength: number): Uint8Array | null {
  const inLength = input.length;
  if (inLength === 0 || outLength <= 0) return null;
  if (base > 2 ** 52) {
    htab.fill(0);
    base = 0;
  }
  const callBase = base;
  base += inLength + 2;
  if (scratch.length < outLength + 3) scratch = new Uint8Array(Math.max(outLength + 3, 2 * scratch.length));
  const out = scratch;
  const inEnd = inLength;
  let ip = 0;
  let op = 1; // start run
  let lit = 0;
  let hval = (input[0]! << 8) | (input[1] ?? 0);
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | input[ip + 2]!) >>> 0;
    const slot = ((hval >>> 8) - Math.imul(hval, 5)) & 0xffff;
    const ref = htab[slot]! - callBase;
    htab[slot] = callBase + ip;
    const off = ip - ref - 1;
    if (ref > 0 && off >= 0 && off < MAX_OFF && input[ref + 2] === input[ip + 2] && input[ref] === input[ip] && input[ref + 1] === input[ip + 1]) {
      let len = 2;
      let maxlen = inEnd - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= outLength && op - (lit ? 0 : 1) + 3 + 1 >= outLength) return null;
      out[op - lit - 1] = lit - 1; // stop run
      op -= lit ? 0 : 1; // undo run if length is zero
      extend: {
        if (maxlen > 16) {
          for (let k = 0; k < 16; k++) {
            len++;
            if (input[ref + len] !== input[ip + len]) break extend;
          }
        }
        do len++;
        while (len < maxlen && input[ref + len] === input[ip + len]);
      }
      len -= 2;
      ip++;
      if (len < 7) out[op++] = (off >> 8) + (len << 5);
      else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inEnd - 2) break;
      // VERY_FAST: hash the last two positions of the match.
      ip -= 2;
      hval = (input[ip]! << 8) | input[ip + 1]!;
      hval = ((hval << 8) | input[ip + 2]!) >>> 0;
      htab[((hval >>> 8) - Math.imul(hval, 5)) & 0xffff] = callBase + ip;
      ip++;
      hval = ((hval << 8) | input[ip + 2]!) >>> 0;
      htab[((hval >>> 8) - Math.imul(hval, 5)) & 0xffff] = callBase + ip;
      ip++;
    } else {
      if (op >= outLength) return null;
      lit++;
      out[op++] = input[ip++]!;
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outLength) return null;
  while (ip < inEnd) {
    lit++;
    out[op++] = input[ip++]!;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1; // end run
  op -= lit ? 0 : 1;
  return out.subarray(0, op);
}
