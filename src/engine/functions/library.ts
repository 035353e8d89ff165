// Function libraries (functions.c) as stored data: the "#!lua name=…" shebang parsed as Redis
// parses it, with its errors, and the libraries kept so RDB files (FUNCTION2 records) and AOFs
// (FUNCTION LOAD) round-trip. The lab has no Lua VM, so a library's functions are found by
// reading its redis.register_function calls (the literal forms real libraries use) instead of
// by running it; see FUNCTION_ERR.noLua for what cannot run.
import type { Bin } from '../bytes.js';
import { formatArg } from '../errors.js';
import { splitCommandLine } from '../resp/inline.js';

export const FUNCTION_ERR = {
  missingMetadata: 'ERR Missing library metadata',
  invalidMetadata: 'ERR Invalid library metadata',
  nameTwice: 'ERR Invalid metadata value, name argument was given multiple times',
  invalidValue: (part: Bin) => `ERR Invalid metadata value given: ${formatArg(part)}`,
  nameMissing: 'ERR Library name was not given',
  badName: 'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long',
  engineNotFound: (engine: Bin) => `ERR Engine '${formatArg(engine)}' not found`,
  libraryExists: (name: Bin) => `ERR Library '${formatArg(name)}' already exists`,
  libraryExistsJoin: (name: Bin) => `ERR Library ${formatArg(name)} already exists`,
  noFunctions: 'ERR No functions registered',
  functionExists: (name: Bin) => `ERR Function ${formatArg(name)} already exists`,
  noLua: 'ERR Lua scripting is not available in Persistence Lab (no Lua 5.1 VM): libraries and scripts are stored, not run',
} as const;

/** scripts_flags_def, in its order (FUNCTION LIST lists flags this way). */
export const FUNCTION_FLAGS = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'] as const;

export interface FunctionInfo {
  readonly name: Bin;
  readonly description: Bin | null;
  readonly flags: readonly string[];
}

export interface Library {
  readonly name: Bin;
  /** The engine as Redis registers it. */
  readonly engine: 'LUA';
  /** The whole payload, shebang included: what FUNCTION LOAD got and RDB/AOF store. */
  readonly code: Bin;
  readonly functions: readonly FunctionInfo[];
}

/** functionsVerifyName: [A-Za-z0-9_]+. */
function validName(name: Bin): boolean {
  return /^[A-Za-z0-9_]+$/.test(name);
}

/** functionExtractLibMetaData, then the name and engine checks of functionsCreateWithLibraryCtx. */
export function parseLibrary(code: Bin): Library | string {
  if (!code.startsWith('#!')) return FUNCTION_ERR.missingMetadata;
  // C string functions: the payload ends at a NUL as far as the shebang search goes.
  const end = code.indexOf('\n');
  const nul = code.indexOf('\0');
  if (end < 0 || (nul >= 0 && nul < end)) return FUNCTION_ERR.invalidMetadata;
  const split = splitCommandLine(code.slice(0, end));
  if (!split.ok || split.argv.length === 0) return FUNCTION_ERR.invalidMetadata;
  const engine = split.argv[0]!.slice(2);
  let name: Bin | null = null;
  for (const part of split.argv.slice(1)) {
    if (part.slice(0, 5).toLowerCase() !== 'name=') return FUNCTION_ERR.invalidValue(part);
    if (name !== null) return FUNCTION_ERR.nameTwice;
    name = part.slice(5);
  }
  if (name === null) return FUNCTION_ERR.nameMissing;
  if (!validName(name)) return FUNCTION_ERR.badName;
  if (engine.toLowerCase() !== 'lua') return FUNCTION_ERR.engineNotFound(engine);
  return { name, engine: 'LUA', code, functions: registeredFunctions(code.slice(end)) };
}

/** The quoted Lua string at `at` (single or double quotes), and where it ends. */
function luaString(text: string, at: number): { value: string; end: number } | null {
  const quote = text[at];
  if (quote !== "'" && quote !== '"') return null;
  let value = '';
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) value += text[++i];
    else if (c === quote) return { value, end: i + 1 };
    else if (c === '\n') return null;
    else value += c;
  }
  return null;
}

/** The text of the balanced {…} starting at `at` (strings skipped), and where it ends. */
function table(text: string, at: number): { body: string; end: number } | null {
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const s = luaString(text, i);
      if (!s) return null;
      i = s.end - 1;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return { body: text.slice(at + 1, i), end: i + 1 };
  }
  return null;
}

function field(body: string, name: string): string | null {
  const match = new RegExp(`(?:^|[\\s,;{])${name}\\s*=\\s*`).exec(body);
  return match ? (luaString(body, match.index + match[0].length)?.value ?? null) : null;
}

/**
 * The functions a library registers, from its literal redis.register_function('name', f) and
 * redis.register_function{function_name='name', callback=f, flags={…}, description='…'} calls.
 * Comments are skipped; registrations built at run time cannot be seen this way.
 */
export function registeredFunctions(body: string): FunctionInfo[] {
  const text = body.replace(/--\[(=*)\[[\s\S]*?\]\1\]/g, ' ').replace(/--[^\n]*/g, ' ');
  const out: FunctionInfo[] = [];
  const call = /redis\s*\.\s*register_function\s*(\(\s*)?/g;
  for (let m = call.exec(text); m; m = call.exec(text)) {
    const at = m.index + m[0].length;
    if (text[at] === '{') {
      const t = table(text, at);
      if (!t) continue;
      const name = field(t.body, 'function_name');
      if (name === null || !validName(name)) continue;
      const flagsAt = /(?:^|[\s,;])flags\s*=\s*\{/.exec(t.body);
      const flagTable = flagsAt ? table(t.body, flagsAt.index + flagsAt[0].length - 1) : null;
      const flags = new Set<string>();
      if (flagTable) for (const f of flagTable.body.matchAll(/(['"])([^'"]*)\1/g)) flags.add(f[2]!);
      out.push({ name, description: field(t.body, 'description'), flags: FUNCTION_FLAGS.filter((f) => flags.has(f)) });
    } else if (m[1]) {
      const s = luaString(text, at);
      if (s && validName(s.value)) out.push({ name: s.value, description: null, flags: [] });
    }
  }
  return out;
}

/** The libraries of one server (functionsLibCtx): by name, and their functions by lower-case name. */
export class FunctionStore {
  private readonly libraries = new Map<Bin, Library>();

  get size(): number {
    return this.libraries.size;
  }

  all(): Library[] {
    return [...this.libraries.values()];
  }

  get(name: Bin): Library | undefined {
    return this.libraries.get(name);
  }

  /** Every library's code, for RDB FUNCTION2 records and the AOF rewrite's FUNCTION LOADs. */
  codes(): Bin[] {
    return this.all().map((l) => l.code);
  }

  /** functionsCreateWithLibraryCtx: adds (or with `replace` swaps in) a library; an error text otherwise. */
  load(code: Bin, options: { replace: boolean; requireFunctions: boolean }): Library | string {
    const library = parseLibrary(code);
    if (typeof library === 'string') return library;
    const old = this.libraries.get(library.name);
    if (old && !options.replace) return FUNCTION_ERR.libraryExists(library.name);
    if (options.requireFunctions && library.functions.length === 0) return FUNCTION_ERR.noFunctions;
    const clash = library.functions.find((f) => {
      const owner = this.findFunction(f.name);
      return owner && owner.library !== old;
    });
    if (clash) return FUNCTION_ERR.functionExists(clash.name);
    this.libraries.set(library.name, library);
    return library;
  }

  delete(name: Bin): boolean {
    return this.libraries.delete(name);
  }

  clear(): void {
    this.libraries.clear();
  }

  /** The function (case-insensitively, as Redis's function dict) and its library. */
  findFunction(name: Bin): { library: Library; fn: FunctionInfo } | undefined {
    const lower = name.toLowerCase();
    for (const library of this.libraries.values()) {
      const fn = library.functions.find((f) => f.name.toLowerCase() === lower);
      if (fn) return { library, fn };
    }
    return undefined;
  }

  /**
   * libraryJoin: adds `other`'s libraries; a name clash fails unless `replace`, and a function
   * name clash with a library that stays fails always. Nothing changes on failure.
   */
  join(other: FunctionStore, replace: boolean): string | null {
    const next = new Map(this.libraries);
    for (const library of other.libraries.values()) {
      if (next.has(library.name) && !replace) return FUNCTION_ERR.libraryExistsJoin(library.name);
      next.set(library.name, library);
    }
    const owners = new Map<string, Bin>();
    for (const library of next.values()) {
      for (const fn of library.functions) {
        const lower = fn.name.toLowerCase();
        if (owners.has(lower)) return FUNCTION_ERR.functionExists(fn.name);
        owners.set(lower, library.name);
      }
    }
    this.libraries.clear();
    for (const [name, library] of next) this.libraries.set(name, library);
    return null;
  }
}
