// SHA-1 over Bin strings or bytes, written for speed on the many short inputs DEBUG DIGEST hashes
// (a 1M-key dataset needs ~5M hashes): one reusable message schedule, no per-call allocation
// beyond the output.

const W = new Int32Array(80);
const BLOCK = new Uint8Array(64);

/** SHA-1 of `length` bytes given by `byteAt`; the 20-byte result is written into `out`. */
function sha1Generic(length: number, byteAt: (i: number) => number, out: Uint8Array): void {
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  const totalBlocks = Math.floor((length + 8) / 64) + 1;
  for (let block = 0; block < totalBlocks; block++) {
    const base = block * 64;
    for (let i = 0; i < 64; i++) {
      const p = base + i;
      BLOCK[i] = p < length ? byteAt(p) : p === length ? 0x80 : 0;
    }
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
    for (let i = 0; i < 80; i++) {
      let f: number;
      let k: number;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc | 0;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6 | 0;
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + W[i]!) | 0;
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
  const words = [h0, h1, h2, h3, h4];
  for (let i = 0; i < 5; i++) {
    out[i * 4] = words[i]! >>> 24;
    out[i * 4 + 1] = words[i]! >>> 16;
    out[i * 4 + 2] = words[i]! >>> 8;
    out[i * 4 + 3] = words[i]!;
  }
}

export function sha1Bin(s: string, out: Uint8Array): void {
  sha1Generic(s.length, (i) => s.charCodeAt(i) & 0xff, out);
}

export function sha1Bytes(bytes: Uint8Array, out: Uint8Array): void {
  sha1Generic(bytes.length, (i) => bytes[i]!, out);
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
