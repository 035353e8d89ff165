// LZF as liblzf encodes it: literal runs of up to 32 bytes and back-references of 3..264 bytes
// up to 8 KiB back. Redis compresses RDB strings with it; any valid stream loads, so the
// compressor favours simplicity over liblzf's exact choices.

const HASH_BITS = 14;
const MAX_OFFSET = 1 << 13;
const MAX_MATCH = 264;
const MAX_LITERAL = 32;

/** The decompressed bytes, or why the stream is not a valid LZF stream of that length. */
export function lzfDecompress(input: Uint8Array, expectedLength: number): Uint8Array | string {
  const out = new Uint8Array(expectedLength);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++]!;
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (op + run > expectedLength) return 'output longer than the declared length';
      if (ip + run > input.length) return 'literal run past the end of the input';
      out.set(input.subarray(ip, ip + run), op);
      ip += run;
      op += run;
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) {
      if (ip >= input.length) return 'back-reference cut short';
      len += input[ip++]!;
    }
    if (ip >= input.length) return 'back-reference cut short';
    const ref = op - ((ctrl & 0x1f) << 8) - input[ip++]! - 1;
    len += 2;
    if (ref < 0) return 'back-reference before the start of the output';
    if (op + len > expectedLength) return 'output longer than the declared length';
    for (let i = 0; i < len; i++) out[op + i] = out[ref + i]!;
    op += len;
  }
  if (op !== expectedLength) return `output is ${op} bytes, expected ${expectedLength}`;
  return out;
}

const table = new Int32Array(1 << HASH_BITS);
// Table entries are positions plus a per-call base, so old entries never need clearing.
let base = 1;

function hash3(a: number, b: number, c: number): number {
  return (Math.imul((a << 16) | (b << 8) | c, 2654435761) >>> (32 - HASH_BITS)) & ((1 << HASH_BITS) - 1);
}

/** Compressed bytes, or null when they would not fit in `maxLength` (as lzf_compress fails). */
export function lzfCompress(input: Uint8Array, maxLength: number): Uint8Array | null {
  const n = input.length;
  if (n === 0 || maxLength <= 0) return null;
  if (base > 0x3fffffff - n) {
    table.fill(0);
    base = 1;
  }
  const out = new Uint8Array(n + Math.ceil(n / MAX_LITERAL) + 4);
  let ip = 0;
  let op = 1;
  let literal = 0;
  while (ip + 2 < n) {
    const h = hash3(input[ip]!, input[ip + 1]!, input[ip + 2]!);
    const ref = table[h]! - base;
    table[h] = ip + base;
    const offset = ip - ref - 1;
    if (ref >= 0 && offset < MAX_OFFSET && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
      let len = 3;
      const maxLen = Math.min(MAX_MATCH, n - ip);
      while (len < maxLen && input[ref + len] === input[ip + len]) len++;
      if (literal > 0) out[op - literal - 1] = literal - 1;
      else op--;
      const encoded = len - 2;
      if (encoded < 7) out[op++] = (offset >> 8) + (encoded << 5);
      else {
        out[op++] = (offset >> 8) + (7 << 5);
        out[op++] = encoded - 7;
      }
      out[op++] = offset & 0xff;
      ip += len;
      literal = 0;
      op++;
      continue;
    }
    out[op++] = input[ip++]!;
    if (++literal === MAX_LITERAL) {
      out[op - literal - 1] = literal - 1;
      literal = 0;
      op++;
    }
  }
  while (ip < n) {
    out[op++] = input[ip++]!;
    if (++literal === MAX_LITERAL) {
      out[op - literal - 1] = literal - 1;
      literal = 0;
      op++;
    }
  }
  if (literal > 0) out[op - literal - 1] = literal - 1;
  else op--;
  base += n + 1;
  return op <= maxLength ? out.subarray(0, op) : null;
}
