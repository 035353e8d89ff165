// Inline command syntax as redis-server and redis-cli split it (sds.c sdssplitargs): blanks
// separate arguments; "double quotes" take \n \r \t \b \a \xHH and \<any>; 'single quotes'
// take only \'; a closing quote must be followed by a blank or the end of the line.
// Runs of ordinary bytes are sliced, not appended byte by byte, so a 100 MB argument costs one
// pass and one copy.
import { type Bin, cString } from '../bytes.js';
import { ERR } from '../errors.js';

export type SplitResult = { ok: true; argv: Bin[] } | { ok: false; error: string };

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const DOUBLE = 0x22;
const SINGLE = 0x27;
const BACKSLASH = 0x5c;

/** C's isspace. */
function isSpace(code: number): boolean {
  return code === SPACE || (code >= TAB && code <= CR);
}

/** What ends an unquoted run: the four blanks sdssplitargs stops at, or an opening quote. */
function endsPlainRun(code: number): boolean {
  return code === SPACE || code === LF || code === CR || code === TAB || code === DOUBLE || code === SINGLE;
}

function isHex(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

export function splitCommandLine(line: Bin): SplitResult {
  // The C code stops at a NUL byte: the rest of the line is never seen.
  const s = cString(line);
  const n = s.length;
  const code = (i: number) => (i < n ? s.charCodeAt(i) : -1);
  /** After a closing quote: the end of the line or a blank. */
  const closesCleanly = (i: number) => i + 1 >= n || isSpace(code(i + 1));
  const unbalanced: SplitResult = { ok: false, error: ERR.protocol('unbalanced quotes in request') };
  const argv: Bin[] = [];
  let p = 0;
  for (;;) {
    while (p < n && isSpace(code(p))) p++;
    if (p >= n) return { ok: true, argv };
    const pieces: string[] = [];
    let quote = 0;
    for (;;) {
      if (quote === 0) {
        const start = p;
        while (p < n && !endsPlainRun(code(p))) p++;
        if (p > start) pieces.push(s.slice(start, p));
        if (p >= n || !(code(p) === DOUBLE || code(p) === SINGLE)) break;
        quote = code(p++);
        continue;
      }
      const start = p;
      while (p < n && code(p) !== quote && code(p) !== BACKSLASH) p++;
      if (p > start) pieces.push(s.slice(start, p));
      if (p >= n) return unbalanced;
      if (code(p) === quote) {
        if (!closesCleanly(p)) return unbalanced;
        p++;
        break;
      }
      // A backslash inside quotes.
      if (quote === DOUBLE && code(p + 1) === 0x78 && isHex(code(p + 2)) && isHex(code(p + 3))) {
        pieces.push(String.fromCharCode(parseInt(s.slice(p + 2, p + 4), 16)));
        p += 4;
      } else if (quote === DOUBLE && p + 1 < n) {
        pieces.push(ESCAPES[s[p + 1]!] ?? s[p + 1]!);
        p += 2;
      } else if (quote === SINGLE && code(p + 1) === SINGLE) {
        pieces.push("'");
        p += 2;
      } else {
        pieces.push('\\');
        p++;
      }
    }
    // The blank that ended an unquoted token is consumed with it, as `if (*p) p++` does.
    if (p < n && quote === 0) p++;
    argv.push(pieces.length === 1 ? pieces[0]! : pieces.join(''));
  }
}
