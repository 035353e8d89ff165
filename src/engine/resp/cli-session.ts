// One line typed at redis-cli's prompt (repl): what redis-cli does with it before, instead of and
// after sending it — lines it cannot split, the repeat prefix ("3 INCR c"), help, its own
// commands (quit, :set, restart, clear) — and the bytes it prints, on a terminal or into a pipe.
import { type Bin, cString } from '../bytes.js';
import { cliHelp } from './cli-help.js';
import { formatReplyRaw, formatReplyTty } from './cli-format.js';
import { splitCommandLine } from './inline.js';
import type { Reply } from './reply.js';

/** redis-cli's output mode: 'tty' (OUTPUT_STANDARD) or 'raw' (stdout is not a terminal). */
export type CliOutputMode = 'tty' | 'raw';

export interface CliLineResult {
  /** The bytes redis-cli prints for the line. */
  output: Bin;
  /** An error reply, or a line redis-cli refused itself. */
  isError: boolean;
  /** quit or exit: redis-cli ends here. */
  exit: boolean;
  /** clear: redis-cli cleared the screen (into a pipe the escape codes are in `output`). */
  clearScreen: boolean;
}

const INVALID_ARGUMENTS = 'Invalid argument(s)\n';
const INVALID_REPEAT = 'Invalid redis-cli repeat command option value.\n';
const CLEAR_SCREEN = '\x1b[H\x1b[2J';
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** strtol(s, &end, 10) with `*end == '\0'`: the value if the whole string is a number (null on ERANGE). */
function wholeStrtol(arg: Bin): { whole: boolean; value: bigint | null } {
  const s = cString(arg);
  const match = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s);
  // No digits at all: strtol leaves end at the start, so only an empty string counts as "whole".
  if (!match) return { whole: s === '', value: 0n };
  const value = BigInt(match[1] === '-' ? `-${match[2]}` : match[2]!);
  return { whole: true, value: value < LONG_MIN || value > LONG_MAX ? null : value };
}

/** Replies redis-cli prints verbatim, without its newline (cliSendCommand's output_raw). */
function printsVerbatim(argv: readonly Bin[]): boolean {
  const name = argv[0]!.toLowerCase();
  const sub = argv[1]?.toLowerCase();
  const argc = argv.length;
  return (
    name === 'info' ||
    name === 'lolwut' ||
    (name === 'debug' && (sub === 'htstats' || sub === 'htstats-key' || sub === 'client-eviction')) ||
    (name === 'memory' && (sub === 'malloc-stats' || sub === 'doctor')) ||
    (name === 'cluster' && argc === 2 && (sub === 'nodes' || sub === 'info')) ||
    (name === 'client' && (sub === 'list' || sub === 'info')) ||
    (name === 'latency' && ((argc === 3 && sub === 'graph') || (argc === 2 && sub === 'doctor'))) ||
    (name === 'proxy' && sub === 'info')
  );
}

/** cliFormatReply: verbatim, the terminal form, or the raw form followed by a newline. */
function format(reply: Reply, mode: CliOutputMode, verbatim: boolean): Bin {
  if (verbatim) return formatReplyRaw(reply);
  return mode === 'tty' ? formatReplyTty(reply) : `${formatReplyRaw(reply)}\n`;
}

/** Runs one line as redis-cli's repl does; `send` executes a command on the server. */
export async function runCliLine(line: Bin, mode: CliOutputMode, send: (argv: Bin[]) => Promise<Reply>): Promise<CliLineResult> {
  const result: CliLineResult = { output: '', isError: false, exit: false, clearScreen: false };
  const split = splitCommandLine(line);
  if (!split.ok) return { ...result, output: INVALID_ARGUMENTS, isError: true };
  const argv = split.argv;
  if (argv.length === 0) return result;
  let repeat = 1n;
  let skip = 0;
  const prefix = wholeStrtol(argv[0]!);
  if (argv.length > 1 && prefix.whole) {
    if (prefix.value === null || prefix.value <= 0n) return { ...result, output: INVALID_REPEAT, isError: true };
    repeat = prefix.value;
    skip = 1;
  }
  // redis-cli compares C strings: an argument ends at its first NUL byte.
  const first = cString(argv[0]!).toLowerCase();
  if (first === 'quit' || first === 'exit') return { ...result, exit: true };
  if (first.startsWith(':')) return { ...result, output: preference(argv) };
  if (first === 'restart') return { ...result, output: "Use 'restart' only in Lua debugging mode.\n" };
  if (argv.length === 1 && first === 'clear') return { ...result, clearScreen: true, output: mode === 'raw' ? CLEAR_SCREEN : '' };
  const command = argv.slice(skip);
  const name = cString(command[0]!).toLowerCase();
  // issueCommandRepeat answers help locally, once, whatever the repeat count.
  if (name === 'help' || name === '?') return { ...result, output: cliHelp(command.slice(1)) };
  const verbatim = printsVerbatim(command);
  const parts: Bin[] = [];
  for (let i = 0n; i < repeat; i++) {
    const reply = await send(command);
    if (reply.kind === 'error') result.isError = true;
    parts.push(format(reply, mode, verbatim));
  }
  return { ...result, output: parts.join('') };
}

/** cliSetPreferences in the repl: only ":set hints" and ":set nohints" exist. */
function preference(argv: readonly Bin[]): string {
  if (cString(argv[0]!).toLowerCase() === ':set' && argv.length >= 2) {
    const value = cString(argv[1]!).toLowerCase();
    return value === 'hints' || value === 'nohints' ? '' : `unknown redis-cli preference '${cString(argv[1]!)}'\n`;
  }
  return `unknown redis-cli internal command '${cString(argv[0]!)}'\n`;
}
