// CRC-64/Jones as Redis computes the RDB trailer: reflected polynomial 0x95ac9329ac4bc9b5,
// initial value 0, no final xor. Kept as two 32-bit halves so the hot loop avoids BigInt.

// Slicing-by-8: table k advances the CRC over a byte followed by k zero bytes, so eight bytes
// are folded per step.
const TABLE_LO = new Uint32Array(256 * 8);
const TABLE_HI = new Uint32Array(256 * 8);
{
  const poly = 0x95ac9329ac4bc9b5n;
  for (let i = 0; i < 256; i++) {
    let crc = BigInt(i);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
    TABLE_LO[i] = Number(crc & 0xffffffffn);
    TABLE_HI[i] = Number(crc >> 32n);
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const prevLo = TABLE_LO[(k - 1) * 256 + i]!;
      const prevHi = TABLE_HI[(k - 1) * 256 + i]!;
      const index = prevLo & 0xff;
      TABLE_LO[k * 256 + i] = (((prevLo >>> 8) | ((prevHi & 0xff) << 24)) ^ TABLE_LO[index]!) >>> 0;
      TABLE_HI[k * 256 + i] = ((prevHi >>> 8) ^ TABLE_HI[index]!) >>> 0;
    }
  }
}

/** A running CRC-64; feed it bytes in any number of pieces. */
export class Crc64 {
  private lo = 0;
  private hi = 0;

  update(bytes: Uint8Array, start = 0, end = bytes.length): void {
    let lo = this.lo;
    let hi = this.hi;
    let i = start;
    for (; i + 8 <= end; i += 8) {
      // XOR eight input bytes into the CRC, then look each byte up at its distance from the end.
      const x = lo ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
      const y = hi ^ (bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24));
      const a = 1792 + (x & 0xff);
      const b = 1536 + ((x >>> 8) & 0xff);
      const c = 1280 + ((x >>> 16) & 0xff);
      const d = 1024 + (x >>> 24);
      const e = 768 + (y & 0xff);
      const f = 512 + ((y >>> 8) & 0xff);
      const g = 256 + ((y >>> 16) & 0xff);
      const h = y >>> 24;
      lo = TABLE_LO[a]! ^ TABLE_LO[b]! ^ TABLE_LO[c]! ^ TABLE_LO[d]! ^ TABLE_LO[e]! ^ TABLE_LO[f]! ^ TABLE_LO[g]! ^ TABLE_LO[h]!;
      hi = TABLE_HI[a]! ^ TABLE_HI[b]! ^ TABLE_HI[c]! ^ TABLE_HI[d]! ^ TABLE_HI[e]! ^ TABLE_HI[f]! ^ TABLE_HI[g]! ^ TABLE_HI[h]!;
    }
    for (; i < end; i++) {
      const index = (lo ^ bytes[i]!) & 0xff;
      lo = ((lo >>> 8) | ((hi & 0xff) << 24)) ^ TABLE_LO[index]!;
      hi = (hi >>> 8) ^ TABLE_HI[index]!;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** The 8 bytes of the trailer, little-endian. */
  digestBytes(): Uint8Array {
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, this.lo, true);
    view.setUint32(4, this.hi, true);
    return out;
  }

  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

export function crc64(bytes: Uint8Array): bigint {
  const crc = new Crc64();
  crc.update(bytes);
  return crc.value();
}
