// Redis strings are binary. The engine keeps them as "binary strings": JS strings whose every
// char code is one byte (0–255). V8 stores these as one-byte strings, Map keys work as is, and
// JS string comparison equals memcmp order, which sorted sets and BYLEX need.

/** A JS string whose char codes are all < 256, one per byte. */
export type Bin = string;

/** bytesToBin converts long strings this many bytes at a time (one reused code array). */
const BIG_PIECE = 4096;

/** The bytes before the first NUL: what C's printf("%s"), strcasecmp and strtol see of an sds. */
export function cString(s: Bin): Bin {
  const nul = s.indexOf('\0');
  return nul >= 0 ? s.slice(0, nul) : s;
}

/**
 * Char codes for String.fromCharCode.apply, one reused array per length (setting an array's
 * length on every call costs more than the copy), so a string allocates only itself.
 */
const codesOfLength: number[][] = [];

export function bytesToBin(bytes: Uint8Array, start = 0, end = bytes.length): Bin {
  const length = end - start;
  if (length <= 256) return fromCodes(bytes, start, length);
  // Longer strings in pieces joined as strings: String.fromCharCode.apply over a typed array
  // would first copy it into an 8-bytes-per-byte argument list for the garbage collector.
  let out = '';
  let at = start;
  for (; end - at >= BIG_PIECE; at += BIG_PIECE) out += fromCodes(bytes, at, BIG_PIECE);
  for (; at < end; at += 256) out += fromCodes(bytes, at, Math.min(256, end - at));
  return out;
}

/** Bytes [start, start + length) as a string, through the reused code array of that length. */
function fromCodes(bytes: Uint8Array, start: number, length: number): Bin {
  const codes = (codesOfLength[length] ??= new Array<number>(length).fill(0));
  for (let i = 0; i < length; i++) codes[i] = bytes[start + i]!;
  return String.fromCharCode.apply(null, codes);
}

export function binToBytes(s: Bin): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

const ASCII = /^[\x00-\x7f]*$/;

/** Text typed by a person (UTF-16) to the bytes Redis would receive (UTF-8). */
export function textToBin(text: string): Bin {
  if (ASCII.test(text)) return text;
  // encodeURIComponent yields UTF-8 percent-escapes; lone surrogates become U+FFFD first.
  const wellFormed = text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  return unescape(encodeURIComponent(wellFormed));
}

/** Bytes to text for display; null when the bytes are not valid UTF-8. */
export function binToText(s: Bin): string | null {
  if (ASCII.test(s)) return s;
  try {
    return decodeURIComponent(escape(s));
  } catch {
    return null;
  }
}
