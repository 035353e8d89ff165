// SHA-1 over Bin strings or bytes, written for speed on the many short inputs DEBUG DIGEST hashes
// (a 1M-key dataset needs ~5M hashes): one reusable message schedule, no per-call allocation
// beyond the output.

const W = new Int32Array(80);
const BLOCK = new Uint8Array(64);

/** SHA-1 of a Bin string's bytes or of a byte array; the 20-byte result is written into `out`. */
function sha1(text: string | null, bytes: Uint8Array | null, out: Uint8Array): void {
  const length = text !== null ? text.length : bytes!.length;
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  const totalBlocks = Math.floor((length + 8) / 64) + 1;
  for (let block = 0; block < totalBlocks; block++) {
    const base = block * 64;
    // The message's bytes, then 0x80 and zeros (no per-byte callback: most inputs are one block).
    const end = Math.min(64, length - base);
    if (text !== null) for (let i = 0; i < end; i++) BLOCK[i] = text.charCodeAt(base + i);
    else for (let i = 0; i < end; i++) BLOCK[i] = bytes![base + i]!;
    for (let i = Math.max(0, end); i < 64; i++) BLOCK[i] = base + i === length ? 0x80 : 0;
    if (block === totalBlocks - 1) {
      const bits = length * 8;
      const high = Math.floor(bits / 0x100000000);
      BLOCK[56] = high >>> 24;
      BLOCK[57] = high >>> 16;
      BLOCK[58] = high >>> 8;
      BLOCK[59] = high;
      BLOCK[60] = bits >>> 24;
      BLOCK[61] = bits >>> 16;
      BLOCK[62] = bits >>> 8;
      BLOCK[63] = bits;
    }
    for (let i = 0; i < 16; i++) {
      W[i] = (BLOCK[i * 4]! << 24) | (BLOCK[i * 4 + 1]! << 16) | (BLOCK[i * 4 + 2]! << 8) | BLOCK[i * 4 + 3]!;
    }
    for (let i = 16; i < 80; i++) {
      const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!;
      W[i] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    // The four rounds as four loops: no test of the round number in each step.
    for (let i = 0; i < 20; i++) {
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + W[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 20; i < 40; i++) {
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + W[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 40; i < 60; i++) {
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + (0x8f1bbcdc | 0) + W[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 60; i < 80; i++) {
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + (0xca62c1d6 | 0) + W[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  writeWord(out, 0, h0);
  writeWord(out, 4, h1);
  writeWord(out, 8, h2);
  writeWord(out, 12, h3);
  writeWord(out, 16, h4);
}

function writeWord(out: Uint8Array, at: number, word: number): void {
  out[at] = word >>> 24;
  out[at + 1] = word >>> 16;
  out[at + 2] = word >>> 8;
  out[at + 3] = word;
}

export function sha1Bin(s: string, out: Uint8Array): void {
  sha1(s, null, out);
}

export function sha1Bytes(bytes: Uint8Array, out: Uint8Array): void {
  // `out` may be `bytes` (the digest hashes its own output): it is written after the last block.
  sha1(null, bytes, out);
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
