// Inline command syntax as redis-server and redis-cli split it (sds.c sdssplitargs): blanks
// separate arguments; "double quotes" take \n \r \t \b \a \xHH and \<any>; 'single quotes'
// take only \'; a closing quote must be followed by a blank or the end of the line.
import type { Bin } from '../bytes.js';
import { ERR } from '../errors.js';

export type SplitResult = { ok: true; argv: Bin[] } | { ok: false; error: string };

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

export function splitCommandLine(line: Bin): SplitResult {
  // The C code stops at a NUL byte: the rest of the line is never seen.
  const nul = line.indexOf('\0');
  const s = nul >= 0 ? line.slice(0, nul) : line;
  const unbalanced: SplitResult = { ok: false, error: ERR.protocol('unbalanced quotes in request') };
  const argv: Bin[] = [];
  let p = 0;
  for (;;) {
    while (p < s.length && isSpace(s[p])) p++;
    if (p >= s.length) return { ok: true, argv };
    let current = '';
    let inDouble = false;
    let inSingle = false;
    for (let done = false; !done; ) {
      const c = s[p];
      if (inDouble) {
        if (c === '\\' && s[p + 1] === 'x' && isHex(s[p + 2]) && isHex(s[p + 3])) {
          current += String.fromCharCode(parseInt(s.slice(p + 2, p + 4), 16));
          p += 3;
        } else if (c === '\\' && p + 1 < s.length) {
          p++;
          current += ESCAPES[s[p]!] ?? s[p];
        } else if (c === '"') {
          if (p + 1 < s.length && !isSpace(s[p + 1])) return unbalanced;
          done = true;
        } else if (c === undefined) {
          return unbalanced;
        } else {
          current += c;
        }
      } else if (inSingle) {
        if (c === '\\' && s[p + 1] === "'") {
          p++;
          current += "'";
        } else if (c === "'") {
          if (p + 1 < s.length && !isSpace(s[p + 1])) return unbalanced;
          done = true;
        } else if (c === undefined) {
          return unbalanced;
        } else {
          current += c;
        }
      } else if (c === undefined || c === ' ' || c === '\n' || c === '\r' || c === '\t') {
        done = true;
      } else if (c === '"') {
        inDouble = true;
      } else if (c === "'") {
        inSingle = true;
      } else {
        current += c;
      }
      if (p < s.length) p++;
    }
    argv.push(current);
  }
}
