// Redis's glob matcher (util.c stringmatchlen) for KEYS, SCAN MATCH and friends, including its
// corners: ranges compare signed chars, a missing ']' ends the class, and '\' escapes anywhere.
import type { Bin } from '../bytes.js';

/** The byte at `i` as a C `char` (signed), or -1 past the end where C would read the NUL. */
function signedAt(s: Bin, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  return c >= 128 ? c - 256 : c;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

export function stringMatch(pattern: Bin, s: Bin, nocase = false): boolean {
  const state = { skipLongerMatches: false };
  return matchFrom(pattern, 0, s, 0, nocase, state);
}

function matchFrom(pattern: Bin, p: number, s: Bin, i: number, nocase: boolean, state: { skipLongerMatches: boolean }): boolean {
  const pEnd = pattern.length;
  const sEnd = s.length;
  const eq = (a: number, b: number) => (nocase ? lower(a) === lower(b) : a === b);
  while (p < pEnd && i < sEnd) {
    const pc = pattern[p];
    if (pc === '*') {
      while (p + 1 < pEnd && pattern[p + 1] === '*') p++;
      if (p + 1 === pEnd) return true;
      while (i < sEnd) {
        if (matchFrom(pattern, p + 1, s, i, nocase, state)) return true;
        // A later '*' already failed on every suffix; longer prefixes here cannot help.
        if (state.skipLongerMatches) return false;
        i++;
      }
      state.skipLongerMatches = true;
      return false;
    } else if (pc === '?') {
      i++;
    } else if (pc === '[') {
      p++;
      const not = pattern[p] === '^';
      if (not) p++;
      let match = false;
      const c = signedAt(s, i);
      for (;;) {
        if (pattern[p] === '\\' && pEnd - p >= 2) {
          p++;
          if (signedAt(pattern, p) === c) match = true;
        } else if (pattern[p] === ']') {
          break;
        } else if (p >= pEnd) {
          p--;
          break;
        } else if (pEnd - p >= 3 && pattern[p + 1] === '-') {
          let start = signedAt(pattern, p);
          let end = signedAt(pattern, p + 2);
          let ch = c;
          if (start > end) [start, end] = [end, start];
          if (nocase) {
            start = lower(start);
            end = lower(end);
            ch = lower(ch);
          }
          p += 2;
          if (ch >= start && ch <= end) match = true;
        } else if (eq(signedAt(pattern, p), c)) {
          match = true;
        }
        p++;
      }
      if (not) match = !match;
      if (!match) return false;
      i++;
    } else {
      if (pc === '\\' && pEnd - p >= 2) p++;
      if (!eq(signedAt(pattern, p), signedAt(s, i))) return false;
      i++;
    }
    p++;
    if (i === sEnd) {
      while (pattern[p] === '*') p++;
      break;
    }
  }
  return p >= pEnd && i === sEnd;
}
