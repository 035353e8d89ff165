// FUNCTION (LOAD, LIST, DUMP, RESTORE, DELETE, FLUSH, STATS, KILL, HELP) over the stored
// libraries, with functions.c's parsing and errors; FCALL/FCALL_RO and EVAL/EVALSHA/SCRIPT as
// far as they go without a Lua VM: their argument checks, then a clear error instead of a run.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR, formatArg } from '../errors.js';
import { FUNCTION_ERR, FunctionStore, type Library } from '../functions/library.js';
import { Crc64 } from '../rdb/crc64.js';
import { RDB_VERSION } from '../rdb/format.js';
import { parseFunctionPayload } from '../rdb/reader.js';
import { functionDumpPayload } from '../rdb/writer.js';
import { binToBytes, bytesToBin } from '../bytes.js';
import { array, bulk, int, NIL, OK, status, type Reply } from '../resp/reply.js';
import { stringMatch } from '../util/glob.js';
import { parseInt64 } from '../util/numbers.js';
import { command, fail, type CommandSpec } from './types.js';

const CALL_ERR = {
  functionNotFound: 'ERR Function not found',
  badNumkeys: 'ERR Bad number of keys provided',
  numkeysTooMany: "ERR Number of keys can't be greater than number of args",
  numkeysNegative: "ERR Number of keys can't be negative",
  noScript: 'NOSCRIPT No matching script. Please use EVAL.',
  notBusy: 'NOTBUSY No scripts in execution right now.',
  unknownLoadOption: (opt: Bin) => `ERR Unknown option given: ${formatArg(opt)}`,
  codeMissing: 'ERR Function code is missing',
  libraryNotFound: 'ERR Library not found',
  libraryNameMissing: 'ERR library name argument was not given',
  unknownListArgument: (arg: Bin) => `ERR Unknown argument ${formatArg(arg)}`,
  restorePolicy: 'ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.',
  badPayload: 'ERR DUMP payload version or checksum are wrong',
  functionFlush: 'ERR FUNCTION FLUSH only supports SYNC|ASYNC option',
  scriptFlush: 'ERR SCRIPT FLUSH only support SYNC|ASYNC option',
} as const;

const FUNCTION_HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'HELP',
  '    Prints this help.',
];

const SCRIPT_HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
];

const help = (lines: readonly string[]) => () => array(lines.map(status));

function functionLoad(ctx: CommandContext, argv: readonly Bin[]): Reply {
  let replace = false;
  let at = 2;
  while (at < argv.length - 1) {
    const opt = argv[at++]!;
    if (opt.toLowerCase() !== 'replace') fail(CALL_ERR.unknownLoadOption(opt));
    replace = true;
  }
  if (at >= argv.length) fail(CALL_ERR.codeMissing);
  // Loading a file keeps every library it holds, whatever the lab can see of its functions.
  const loaded = ctx.engine.functions.load(argv[at]!, { replace, requireFunctions: !ctx.engine.loading && !ctx.client.obeys });
  if (typeof loaded === 'string') fail(loaded);
  ctx.dirty();
  return bulk(loaded.name);
}

function libraryReply(library: Library, withCode: boolean): Reply {
  const functions = library.functions.map((fn) =>
    array([bulk('name'), bulk(fn.name), bulk('description'), bulk(fn.description), bulk('flags'), array(fn.flags.map(status))]),
  );
  const out = [bulk('library_name'), bulk(library.name), bulk('engine'), bulk(library.engine), bulk('functions'), array(functions)];
  if (withCode) out.push(bulk('library_code'), bulk(library.code));
  return array(out);
}

function functionList(ctx: CommandContext, argv: readonly Bin[]): Reply {
  let withCode = false;
  let pattern: Bin | null = null;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]!.toLowerCase();
    if (!withCode && arg === 'withcode') withCode = true;
    else if (pattern === null && arg === 'libraryname') {
      if (i >= argv.length - 1) fail(CALL_ERR.libraryNameMissing);
      pattern = argv[++i]!;
    } else fail(CALL_ERR.unknownListArgument(argv[i]!));
  }
  const libraries = ctx.engine.functions.all().filter((l) => pattern === null || stringMatch(pattern, l.name, true));
  return array(libraries.map((l) => libraryReply(l, withCode)));
}

/** verifyDumpPayload: room for the footer, a version this server reads, a matching CRC-64. */
function validPayload(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const footer = bytes.length - 10;
  if ((bytes[footer]! | (bytes[footer + 1]! << 8)) > RDB_VERSION) return false;
  const crc = new Crc64();
  crc.update(bytes, 0, bytes.length - 8);
  const expected = crc.digestBytes();
  return expected.every((b, i) => b === bytes[bytes.length - 8 + i]);
}

function functionRestore(ctx: CommandContext, argv: readonly Bin[]): Reply {
  if (argv.length > 4) fail(ERR.subcommandSyntax(argv[1]!, 'function'));
  const policy = argv.length === 4 ? argv[3]!.toLowerCase() : 'append';
  if (policy !== 'append' && policy !== 'replace' && policy !== 'flush') fail(CALL_ERR.restorePolicy);
  const payload = binToBytes(argv[2]!);
  if (!validPayload(payload)) fail(CALL_ERR.badPayload);
  const codes = parseFunctionPayload(payload);
  if (typeof codes === 'string') fail(codes);
  const restored = new FunctionStore();
  for (const code of codes) {
    const loaded = restored.load(code, { replace: false, requireFunctions: false });
    if (typeof loaded === 'string') fail(loaded);
  }
  const store = ctx.engine.functions;
  if (policy === 'flush') store.clear();
  const problem = store.join(restored, policy === 'replace');
  if (problem) fail(problem);
  ctx.dirty();
  return OK;
}

function functionFlush(ctx: CommandContext, argv: readonly Bin[]): Reply {
  if (argv.length > 3) fail(ERR.subcommandSyntax(argv[1]!, 'function'));
  if (argv.length === 3 && !['sync', 'async'].includes(argv[2]!.toLowerCase())) fail(CALL_ERR.functionFlush);
  ctx.engine.functions.clear();
  ctx.dirty();
  return OK;
}

function functionStats(ctx: CommandContext): Reply {
  const store = ctx.engine.functions;
  const functions = store.all().reduce((n, l) => n + l.functions.length, 0);
  return array([bulk('running_script'), NIL, bulk('engines'), array([bulk('LUA'), array([bulk('libraries_count'), int(store.size), bulk('functions_count'), int(functions)])])]);
}

/** numkeys as FCALL (bad number → its own error) or EVAL (getLongLongFromObjectOrReply) read it. */
function checkNumkeys(argv: readonly Bin[], notInteger: string): void {
  const numkeys = parseInt64(argv[2]!);
  if (numkeys === null) fail(notInteger);
  if (numkeys > BigInt(argv.length - 3)) fail(CALL_ERR.numkeysTooMany);
  if (numkeys < 0n) fail(CALL_ERR.numkeysNegative);
}

function fcall(ctx: CommandContext, argv: readonly Bin[]): Reply {
  if (!ctx.engine.functions.findFunction(argv[1]!)) fail(CALL_ERR.functionNotFound);
  checkNumkeys(argv, CALL_ERR.badNumkeys);
  return fail(FUNCTION_ERR.noLua);
}

function evalScript(_ctx: CommandContext, argv: readonly Bin[], sha: boolean): Reply {
  // No script can be in the cache: SCRIPT LOAD and EVAL never get to compile one.
  if (sha && argv[1]!.length !== 40) fail(CALL_ERR.noScript);
  checkNumkeys(argv, ERR.notInteger);
  return fail(sha ? CALL_ERR.noScript : FUNCTION_ERR.noLua);
}

const sub = (name: string, arity: number, write: boolean, run: CommandSpec['run']): CommandSpec => command({ name, arity, write, run });

export const functionCommands: readonly CommandSpec[] = [
  command({
    name: 'function',
    arity: -2,
    subcommands: {
      load: sub('function|load', -3, true, functionLoad),
      list: sub('function|list', -2, false, functionList),
      dump: sub('function|dump', 2, false, (ctx) => bulk(bytesToBin(functionDumpPayload(ctx.engine.functions.codes(), true)))),
      restore: sub('function|restore', -3, true, functionRestore),
      delete: sub('function|delete', 3, true, (ctx, argv) => {
        if (!ctx.engine.functions.delete(argv[2]!)) fail(CALL_ERR.libraryNotFound);
        ctx.dirty();
        return OK;
      }),
      flush: sub('function|flush', -2, true, functionFlush),
      stats: sub('function|stats', 2, false, functionStats),
      kill: sub('function|kill', 2, false, () => fail(CALL_ERR.notBusy)),
      help: sub('function|help', 2, false, help(FUNCTION_HELP)),
    },
    run: () => fail(ERR.syntax),
  }),
  command({ name: 'fcall', arity: -3, run: fcall }),
  command({ name: 'fcall_ro', arity: -3, run: fcall }),
  command({ name: 'eval', arity: -3, run: (ctx, argv) => evalScript(ctx, argv, false) }),
  command({ name: 'eval_ro', arity: -3, run: (ctx, argv) => evalScript(ctx, argv, false) }),
  command({ name: 'evalsha', arity: -3, run: (ctx, argv) => evalScript(ctx, argv, true) }),
  command({ name: 'evalsha_ro', arity: -3, run: (ctx, argv) => evalScript(ctx, argv, true) }),
  command({
    name: 'script',
    arity: -2,
    subcommands: {
      load: sub('script|load', 3, false, () => fail(FUNCTION_ERR.noLua)),
      exists: sub('script|exists', -3, false, (_ctx, argv) => array(argv.slice(2).map(() => int(0)))),
      flush: sub('script|flush', -2, false, (_ctx, argv) => {
        if (argv.length === 3 && ['sync', 'async'].includes(argv[2]!.toLowerCase())) return OK;
        if (argv.length === 2) return OK;
        return fail(CALL_ERR.scriptFlush);
      }),
      kill: sub('script|kill', 2, false, () => fail(CALL_ERR.notBusy)),
      // Debugging a script needs the Lua VM the lab does not have; turning it off is allowed.
      debug: sub('script|debug', 3, false, (_ctx, argv) => {
        const mode = argv[2]!.toLowerCase();
        if (mode === 'no') return OK;
        if (mode === 'yes' || mode === 'sync') return fail(FUNCTION_ERR.noLua);
        return fail('ERR Use SCRIPT DEBUG YES/SYNC/NO');
      }),
      help: sub('script|help', 2, false, help(SCRIPT_HELP)),
    },
    run: () => fail(ERR.syntax),
  }),
];
