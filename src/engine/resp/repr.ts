// sdscatrepr: Redis's quoted, escaped rendering of binary bytes, used by redis-cli for bulk
// replies and by the AOF manifest for file names that need quoting.
import type { Bin } from '../bytes.js';

const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x07': '\\a', '\b': '\\b' };

export function quoteRepr(s: Bin): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const escape = ESCAPES[ch];
    if (escape) out += escape;
    else {
      const code = ch.charCodeAt(0);
      out += code >= 0x20 && code <= 0x7e ? ch : '\\x' + code.toString(16).padStart(2, '0');
    }
  }
  return out + '"';
}
