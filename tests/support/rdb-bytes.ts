// RDB and listpack bytes assembled by hand from redis's sources (rdb.c, listpack.c of 7.2/7.4),
// independently of the lab's writer and ListpackBuilder, for fixtures of what newer servers write.
import { binToBytes } from '../../src/engine/bytes.js';
import { crc64 } from '../../src/engine/rdb/crc64.js';

/** listpack.c lpStringToInt64: a canonical int64 of at most 20 characters is stored as an integer. */
function asInteger(s: string): bigint | null {
  if (s.length === 0 || s.length > 20 || !/^(?:0|-?[1-9][0-9]*)$/.test(s)) return null;
  const v = BigInt(s);
  return v >= -(2n ** 63n) && v < 2n ** 63n ? v : null;
}

function littleEndian(v: bigint, bytes: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes; i++) out.push(Number((BigInt.asUintN(bytes * 8, v) >> BigInt(8 * i)) & 0xffn));
  return out;
}

/** lpEncodeIntegerGetType + lpEncodeString: an entry's encoding and data. */
function lpEntryBody(element: string): number[] {
  const v = asInteger(element);
  if (v !== null) {
    if (v >= 0n && v <= 127n) return [Number(v)]; // LP_ENCODING_7BIT_UINT
    if (v >= -4096n && v <= 4095n) {
      const u = Number(BigInt.asUintN(13, v)); // LP_ENCODING_13BIT_INT: 110xxxxx yyyyyyyy
      return [0xc0 | (u >> 8), u & 0xff];
    }
    if (v >= -32768n && v <= 32767n) return [0xf1, ...littleEndian(v, 2)];
    if (v >= -8388608n && v <= 8388607n) return [0xf2, ...littleEndian(v, 3)];
    if (v >= -2147483648n && v <= 2147483647n) return [0xf3, ...littleEndian(v, 4)];
    return [0xf4, ...littleEndian(v, 8)];
  }
  const bytes = [...binToBytes(element)];
  const n = bytes.length;
  if (n < 64) return [0x80 | n, ...bytes]; // LP_ENCODING_6BIT_STR
  if (n < 4096) return [0xe0 | (n >> 8), n & 0xff, ...bytes]; // LP_ENCODING_12BIT_STR
  return [0xf0, ...littleEndian(BigInt(n), 4), ...bytes]; // LP_ENCODING_32BIT_STR
}

/** lpEncodeBacklen: the entry's size, read backwards 7 bits at a time. */
function lpBacklen(l: number): number[] {
  if (l <= 127) return [l];
  if (l < 16383) return [l >> 7, (l & 127) | 128];
  if (l < 2097151) return [l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128];
  if (l < 268435455) return [l >> 21, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128];
  return [Math.floor(l / 2 ** 28), ((l >> 21) & 127) | 128, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128];
}

/** A listpack: total bytes (u32 LE), element count (u16 LE), entries, 0xFF. */
export function listpack(elements: readonly string[]): number[] {
  const body: number[] = [];
  for (const element of elements) {
    const entry = lpEntryBody(element);
    body.push(...entry, ...lpBacklen(entry.length));
  }
  const total = 6 + body.length + 1;
  return [...littleEndian(BigInt(total), 4), ...littleEndian(BigInt(Math.min(elements.length, 65535)), 2), ...body, 0xff];
}

/** rdbSaveLen. */
export function len(n: number | bigint): number[] {
  const v = BigInt(n);
  if (v < 64n) return [Number(v)];
  if (v < 16384n) return [0x40 | Number(v >> 8n), Number(v & 0xffn)];
  if (v <= 0xffffffffn) return [0x80, ...littleEndian(v, 4).reverse()];
  return [0x81, ...littleEndian(v, 8).reverse()];
}

/** rdbSaveRawString without compression: a length and the bytes. */
export function str(s: string | readonly number[]): number[] {
  const bytes = typeof s === 'string' ? [...binToBytes(s)] : [...s];
  return [...len(bytes.length), ...bytes];
}

/** rdbSaveMillisecondTime: an int64, little endian. */
export function ms(t: number | bigint): number[] {
  return littleEndian(BigInt(t), 8);
}

/** A stream ID as rax keys and PEL entries hold it: ms and seq as big-endian uint64. */
export function rawId(msPart: number | bigint, seq: number | bigint): number[] {
  return [...littleEndian(BigInt(msPart), 8).reverse(), ...littleEndian(BigInt(seq), 8).reverse()];
}

export const OPCODE = { slotInfo: 0xf4, aux: 0xfa, resizeDb: 0xfb, expireTimeMs: 0xfc, selectDb: 0xfe, eof: 0xff } as const;

/** A whole file: magic and version, the records, EOF and the CRC-64 of everything before it. */
export function rdbFile(version: number, records: readonly number[]): Uint8Array {
  const head = [...binToBytes(`REDIS${String(version).padStart(4, '0')}`), ...records, OPCODE.eof];
  const crc = crc64(new Uint8Array(head));
  return new Uint8Array([...head, ...littleEndian(crc, 8)]);
}
