// The encodings Redis no longer writes but still loads: ziplists (lists, hashes and zsets up to
// 6.2) and zipmaps (hashes up to 2.4). Read-only.
import { bytesToBin, type Bin } from '../bytes.js';
import { checkedBlob } from './blob.js';

const END = 0xff;

/** The entries of a ziplist blob as strings, or why it is malformed. */
export function decodeZiplist(zl: Uint8Array): Bin[] | string {
  const view = checkedBlob('ziplist', zl, 10);
  if (typeof view === 'string') return view;
  const out: Bin[] = [];
  let at = 10;
  const end = zl.length - 1;
  while (at < end) {
    const start = at;
    at += zl[at] === 0xfe ? 5 : 1;
    if (at >= end) return `ziplist entry at byte ${start} runs past the end`;
    const b = zl[at]!;
    const kind = b >> 6;
    let entry: Bin;
    if (kind < 3) {
      let n: number;
      let header: number;
      if (kind === 0) [n, header] = [b & 0x3f, 1];
      else if (kind === 1) [n, header] = [((b & 0x3f) << 8) | (zl[at + 1] ?? 0), 2];
      else [n, header] = [at + 5 <= end ? view.getUint32(at + 1, false) : Infinity, 5];
      if (at + header + n > end) return `ziplist string at byte ${start} runs past the end`;
      entry = bytesToBin(zl, at + header, at + header + n);
      at += header + n;
    } else {
      const widths: Record<number, number> = { 0xc0: 2, 0xd0: 4, 0xe0: 8, 0xf0: 3, 0xfe: 1 };
      const width = widths[b];
      if (width !== undefined) {
        if (at + 1 + width > end) return `ziplist integer at byte ${start} runs past the end`;
        let u = 0n;
        for (let i = width - 1; i >= 0; i--) u = (u << 8n) | BigInt(zl[at + 1 + i]!);
        entry = BigInt.asIntN(width * 8, u).toString();
        at += 1 + width;
      } else if (b >= 0xf1 && b <= 0xfd) {
        entry = String((b & 0x0f) - 1);
        at += 1;
      } else return `unknown ziplist encoding 0x${b.toString(16)} at byte ${at}`;
    }
    out.push(entry);
  }
  return out;
}

/** The field/value pairs of a zipmap blob, flattened, or why it is malformed. */
export function decodeZipmap(zm: Uint8Array): Bin[] | string {
  if (zm.length < 2) return 'zipmap is shorter than its header';
  const view = new DataView(zm.buffer, zm.byteOffset, zm.byteLength);
  const out: Bin[] = [];
  let at = 1;
  const readLen = (): number | null => {
    const b = zm[at];
    if (b === undefined || b === END) return null;
    if (b < 254) {
      at += 1;
      return b;
    }
    if (at + 5 > zm.length) return null;
    const n = view.getUint32(at + 1, true);
    at += 5;
    return n;
  };
  for (;;) {
    if (zm[at] === END) break;
    const fieldLen = readLen();
    if (fieldLen === null || at + fieldLen > zm.length) return `zipmap field at byte ${at} runs past the end`;
    const field = bytesToBin(zm, at, at + fieldLen);
    at += fieldLen;
    const valueLen = readLen();
    if (valueLen === null || at + 1 + valueLen > zm.length) return `zipmap value at byte ${at} runs past the end`;
    const free = zm[at]!;
    const value = bytesToBin(zm, at + 1, at + 1 + valueLen);
    at += 1 + valueLen + free;
    if (at >= zm.length) return 'zipmap does not end with 0xFF';
    out.push(field, value);
  }
  if (at !== zm.length - 1) return `zipmap has ${zm.length - 1 - at} bytes after its end marker`;
  return out;
}
