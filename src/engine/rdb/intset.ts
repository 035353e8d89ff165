// Intset blobs (intset.c): `<u32 width 2|4|8> <u32 count> <count sorted little-endian ints>`.
import type { Bin } from '../bytes.js';

/** The blob for a set of integer strings, using the narrowest width that holds them all. */
export function encodeIntset(members: Iterable<Bin>): Uint8Array {
  const values = [...members].map((m) => BigInt(m)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width = 2;
  for (const v of values) {
    if (v < -2147483648n || v > 2147483647n) width = 8;
    else if ((v < -32768n || v > 32767n) && width < 4) width = 4;
  }
  const out = new Uint8Array(8 + values.length * width);
  const view = new DataView(out.buffer);
  view.setUint32(0, width, true);
  view.setUint32(4, values.length, true);
  values.forEach((v, i) => {
    const at = 8 + i * width;
    if (width === 2) view.setInt16(at, Number(v), true);
    else if (width === 4) view.setInt32(at, Number(v), true);
    else view.setBigInt64(at, v, true);
  });
  return out;
}

/** The members of an intset blob as decimal strings, or why it is malformed. */
export function decodeIntset(blob: Uint8Array): Bin[] | string {
  if (blob.length < 8) return `intset of ${blob.length} bytes is shorter than its header`;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const width = view.getUint32(0, true);
  if (width !== 2 && width !== 4 && width !== 8) return `intset encoding ${width} is not 2, 4 or 8`;
  const count = view.getUint32(4, true);
  if (count === 0) return 'intset is empty';
  if (8 + count * width !== blob.length) return `intset of ${count} × ${width} bytes does not match its ${blob.length}-byte blob`;
  const out: Bin[] = [];
  for (let i = 0; i < count; i++) {
    const at = 8 + i * width;
    out.push(width === 2 ? String(view.getInt16(at, true)) : width === 4 ? String(view.getInt32(at, true)) : view.getBigInt64(at, true).toString());
  }
  return out;
}
