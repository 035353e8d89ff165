// SHA-1 over Bin strings or bytes, written for speed on the many short inputs DEBUG DIGEST hashes
// (a 1M-key dataset needs ~6M hashes, nearly all of one 64-byte block): the message goes into a
// reusable 80-word schedule a word at a time, the four round kinds run as four branch-free
// loops, and nothing is allocated per call.

const W = new Int32Array(80);

const rotl5 = (x: number): number => (x << 5) | (x >>> 27);
const rotl30 = (x: number): number => (x << 30) | (x >>> 2);

/**
 * Runs the compression function over the block in W[0..15] into the state `h` (5 words). Five
 * rounds per loop turn, each naming the registers in their rotated roles, so no values are
 * shuffled between rounds.
 */
function compress(h: Int32Array): void {
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  for (let i = 16; i < 80; i++) {
    const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!;
    W[i] = (x << 1) | (x >>> 31);
  }
  let i = 0;
  for (; i < 20; i += 5) {
    e = (e + rotl5(a) + ((b & c) | (~b & d)) + 0x5a827999 + W[i]!) | 0; b = rotl30(b);
    d = (d + rotl5(e) + ((a & b) | (~a & c)) + 0x5a827999 + W[i + 1]!) | 0; a = rotl30(a);
    c = (c + rotl5(d) + ((e & a) | (~e & b)) + 0x5a827999 + W[i + 2]!) | 0; e = rotl30(e);
    b = (b + rotl5(c) + ((d & e) | (~d & a)) + 0x5a827999 + W[i + 3]!) | 0; d = rotl30(d);
    a = (a + rotl5(b) + ((c & d) | (~c & e)) + 0x5a827999 + W[i + 4]!) | 0; c = rotl30(c);
  }
  for (; i < 40; i += 5) {
    e = (e + rotl5(a) + (b ^ c ^ d) + 0x6ed9eba1 + W[i]!) | 0; b = rotl30(b);
    d = (d + rotl5(e) + (a ^ b ^ c) + 0x6ed9eba1 + W[i + 1]!) | 0; a = rotl30(a);
    c = (c + rotl5(d) + (e ^ a ^ b) + 0x6ed9eba1 + W[i + 2]!) | 0; e = rotl30(e);
    b = (b + rotl5(c) + (d ^ e ^ a) + 0x6ed9eba1 + W[i + 3]!) | 0; d = rotl30(d);
    a = (a + rotl5(b) + (c ^ d ^ e) + 0x6ed9eba1 + W[i + 4]!) | 0; c = rotl30(c);
  }
  for (; i < 60; i += 5) {
    e = (e + rotl5(a) + ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc + W[i]!) | 0; b = rotl30(b);
    d = (d + rotl5(e) + ((a & b) | (a & c) | (b & c)) + 0x8f1bbcdc + W[i + 1]!) | 0; a = rotl30(a);
    c = (c + rotl5(d) + ((e & a) | (e & b) | (a & b)) + 0x8f1bbcdc + W[i + 2]!) | 0; e = rotl30(e);
    b = (b + rotl5(c) + ((d & e) | (d & a) | (e & a)) + 0x8f1bbcdc + W[i + 3]!) | 0; d = rotl30(d);
    a = (a + rotl5(b) + ((c & d) | (c & e) | (d & e)) + 0x8f1bbcdc + W[i + 4]!) | 0; c = rotl30(c);
  }
  for (; i < 80; i += 5) {
    e = (e + rotl5(a) + (b ^ c ^ d) + 0xca62c1d6 + W[i]!) | 0; b = rotl30(b);
    d = (d + rotl5(e) + (a ^ b ^ c) + 0xca62c1d6 + W[i + 1]!) | 0; a = rotl30(a);
    c = (c + rotl5(d) + (e ^ a ^ b) + 0xca62c1d6 + W[i + 2]!) | 0; e = rotl30(e);
    b = (b + rotl5(c) + (d ^ e ^ a) + 0xca62c1d6 + W[i + 3]!) | 0; d = rotl30(d);
    a = (a + rotl5(b) + (c ^ d ^ e) + 0xca62c1d6 + W[i + 4]!) | 0; c = rotl30(c);
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
}

const H = new Int32Array(5);

/**
 * SHA-1 of `length` bytes: `load(from, W)` fills W[0..15] with the big-endian words of the
 * block at byte `from` (zeros past the end), then padding and length are added here.
 */
function sha1With(length: number, load: (from: number) => void, out: Uint8Array): void {
  H[0] = 0x67452301;
  H[1] = 0xefcdab89 | 0;
  H[2] = 0x98badcfe | 0;
  H[3] = 0x10325476;
  H[4] = 0xc3d2e1f0 | 0;
  const blocks = Math.floor((length + 8) / 64) + 1;
  for (let block = 0; block < blocks; block++) {
    const from = block * 64;
    if (from < length) load(from);
    else W.fill(0, 0, 16);
    // The 0x80 marker right after the last byte, when it falls in this block.
    const marker = length - from;
    if (marker >= 0 && marker < 64) W[marker >> 2] = W[marker >> 2]! | (0x80 << (24 - 8 * (marker & 3)));
    if (block === blocks - 1) {
      W[14] = Math.floor(length / 0x20000000);
      W[15] = (length * 8) | 0;
    }
    compress(H);
  }
  for (let i = 0; i < 5; i++) {
    const w = H[i]!;
    out[i * 4] = w >>> 24;
    out[i * 4 + 1] = w >>> 16;
    out[i * 4 + 2] = w >>> 8;
    out[i * 4 + 3] = w;
  }
}

let source: string = '';
let sourceBytes: Uint8Array = new Uint8Array(0);

function loadBin(from: number): void {
  const s = source;
  const end = Math.min(s.length, from + 64);
  let i = 0;
  for (let p = from; i < 16; i++, p += 4) {
    if (p + 4 <= end) W[i] = (s.charCodeAt(p) << 24) | ((s.charCodeAt(p + 1) & 0xff) << 16) | ((s.charCodeAt(p + 2) & 0xff) << 8) | (s.charCodeAt(p + 3) & 0xff);
    else {
      let w = 0;
      for (let k = 0; k < 4; k++) w |= (p + k < end ? s.charCodeAt(p + k) & 0xff : 0) << (24 - 8 * k);
      W[i] = w;
    }
  }
}

function loadBytes(from: number): void {
  const s = sourceBytes;
  const end = Math.min(s.length, from + 64);
  let i = 0;
  for (let p = from; i < 16; i++, p += 4) {
    if (p + 4 <= end) W[i] = (s[p]! << 24) | (s[p + 1]! << 16) | (s[p + 2]! << 8) | s[p + 3]!;
    else {
      let w = 0;
      for (let k = 0; k < 4; k++) w |= (p + k < end ? s[p + k]! : 0) << (24 - 8 * k);
      W[i] = w;
    }
  }
}

export function sha1Bin(s: string, out: Uint8Array): void {
  source = s;
  sha1With(s.length, loadBin, out);
  source = '';
}

export function sha1Bytes(bytes: Uint8Array, out: Uint8Array): void {
  sourceBytes = bytes;
  sha1With(bytes.length, loadBytes, out);
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
