// The Redis 7.0 multi-part AOF manifest: which base, history and incr files make up the AOF, and
// how their names are built. Parsing follows aofLoadManifestFromFile's rules and error texts;
// serialising follows getAofManifestAsString (base, then history, then incr lines).
import type { Bin } from '../bytes.js';
import { splitCommandLine } from '../resp/inline.js';
import { quoteRepr } from '../resp/repr.js';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofFileInfo {
  readonly name: string;
  readonly seq: number;
  readonly type: AofFileType;
}

export interface AofManifest {
  readonly base: AofFileInfo | null;
  readonly history: readonly AofFileInfo[];
  readonly incrs: readonly AofFileInfo[];
}

/** Redis reads manifest lines with a 1024-byte buffer; a longer line is an error. */
const MAX_LINE = 1024;

export class ManifestError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
  ) {
    super(`Invalid AOF manifest at line ${line}: ${reason}`);
  }
}

export function parseManifest(text: Bin): AofManifest {
  let base: AofFileInfo | null = null;
  const history: AofFileInfo[] = [];
  const incrs: AofFileInfo[] = [];
  let maxIncrSeq = 0;
  let lineNumber = 0;
  let position = 0;
  while (position < text.length) {
    lineNumber++;
    const newline = text.indexOf('\n', position);
    const end = newline < 0 ? text.length : newline + 1;
    const raw = text.slice(position, end);
    position = end;
    if (raw.startsWith('#')) continue;
    if (newline < 0 || raw.length > MAX_LINE - 1) {
      throw new ManifestError('The AOF manifest file contains too long line', lineNumber);
    }
    const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line.length === 0) throw new ManifestError('Invalid AOF manifest file format', lineNumber);
    const split = splitCommandLine(line);
    if (!split.ok || split.argv.length < 6 || split.argv.length % 2 !== 0) {
      throw new ManifestError('Invalid AOF manifest file format', lineNumber);
    }
    let name: string | null = null;
    let seq = 0;
    let type = '';
    for (let i = 0; i < split.argv.length; i += 2) {
      const key = split.argv[i]!.toLowerCase();
      const value = split.argv[i + 1]!;
      if (key === 'file') {
        if (value.includes('/')) throw new ManifestError("File can't be a path, just a filename", lineNumber);
        name = value;
      } else if (key === 'seq') {
        seq = atoll(value);
      } else if (key === 'type') {
        type = value[0] ?? '';
      }
    }
    if (!name || !seq || !type) throw new ManifestError('Invalid AOF manifest file format', lineNumber);
    if (type === 'b') {
      if (base) throw new ManifestError('Found duplicate base file information', lineNumber);
      base = { name, seq, type };
    } else if (type === 'h') {
      history.push({ name, seq, type });
    } else if (type === 'i') {
      if (seq <= maxIncrSeq) throw new ManifestError('Found a non-monotonic sequence number', lineNumber);
      incrs.push({ name, seq, type });
      maxIncrSeq = seq;
    } else {
      throw new ManifestError('Unknown AOF file type', lineNumber);
    }
  }
  if (!base && incrs.length === 0 && history.length === 0) {
    throw new ManifestError('Found an empty AOF manifest', lineNumber);
  }
  return { base, history, incrs };
}

/** C's atoll: optional space and sign, then digits; anything else stops the number. */
function atoll(s: string): number {
  const match = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  return match ? Number(match[1]) : 0;
}

function needsRepr(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 0x5c /* \ */ || c === 0x22 /* " */) return true;
  }
  return false;
}

function formatLine(info: AofFileInfo): string {
  const name = needsRepr(info.name) ? quoteRepr(info.name) : info.name;
  return `file ${name} seq ${info.seq} type ${info.type}\n`;
}

export function serializeManifest(manifest: AofManifest): Bin {
  const lines: string[] = [];
  if (manifest.base) lines.push(formatLine(manifest.base));
  for (const info of manifest.history) lines.push(formatLine(info));
  for (const info of manifest.incrs) lines.push(formatLine(info));
  return lines.join('');
}

/** File names as Redis builds them from `appendfilename`. */
export const aofNames = {
  manifest: (filename: string) => `${filename}.manifest`,
  tempManifest: (filename: string) => `temp-${filename}.manifest`,
  base: (filename: string, seq: number, rdbPreamble: boolean) => `${filename}.${seq}.base.${rdbPreamble ? 'rdb' : 'aof'}`,
  incr: (filename: string, seq: number) => `${filename}.${seq}.incr.aof`,
};

/** The next base or incr sequence number, as separate counters. */
export function nextSeq(manifest: AofManifest, type: 'b' | 'i'): number {
  if (type === 'b') return (manifest.base?.seq ?? 0) + 1;
  return (manifest.incrs.at(-1)?.seq ?? 0) + 1;
}
