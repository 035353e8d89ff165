// CRC-64/Jones as Redis computes the RDB trailer: reflected polynomial 0x95ac9329ac4bc9b5,
// initial value 0, no final xor. Kept as two 32-bit halves so the hot loop avoids BigInt.

// Slicing-by-4: table k advances the CRC over a byte followed by k zero bytes, so four bytes
// are folded per step.
const TABLE_LO = new Uint32Array(256 * 4);
const TABLE_HI = new Uint32Array(256 * 4);
{
  const poly = 0x95ac9329ac4bc9b5n;
  for (let i = 0; i < 256; i++) {
    let crc = BigInt(i);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
    TABLE_LO[i] = Number(crc & 0xffffffffn);
    TABLE_HI[i] = Number(crc >> 32n);
  }
  for (let k = 1; k < 4; k++) {
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
    for (; i + 4 <= end; i += 4) {
      // XOR four input bytes into the low word, then look each byte up at its distance.
      const x = lo ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
      const a = x & 0xff;
      const b = (x >>> 8) & 0xff;
      const c = (x >>> 16) & 0xff;
      const d = x >>> 24;
      lo = hi ^ TABLE_LO[768 + a]! ^ TABLE_LO[512 + b]! ^ TABLE_LO[256 + c]! ^ TABLE_LO[d]!;
      hi = TABLE_HI[768 + a]! ^ TABLE_HI[512 + b]! ^ TABLE_HI[256 + c]! ^ TABLE_HI[d]!;
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
