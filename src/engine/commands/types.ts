// What a command is: its table entry (name, arity, flags, key positions) and its implementation,
// which works through a CommandContext and returns a Reply.
import type { Bin } from '../bytes.js';
import type { Reply } from '../resp/reply.js';
import type { CommandContext } from '../context.js';

export interface CommandSpec {
  /** Lower-case name; for a subcommand, "container|sub" as Redis names it in errors. */
  readonly name: string;
  /** Redis arity: n means exactly n arguments (name included), -n means at least n. */
  readonly arity: number;
  /** Changes the dataset: propagated to the AOF and replicas when it did. */
  readonly write: boolean;
  /**
   * A read command that may still change a value (PFCOUNT caching the cardinality in the HLL's
   * header): propagated when it did, as Redis's call() propagates whatever made the server dirty.
   */
  readonly mayReplicate?: boolean;
  /** Refused inside MULTI (handled before queueing). */
  readonly noMulti?: boolean;
  /** Key positions as COMMAND reports them: first, last (negative from the end), step. */
  readonly keys?: readonly [first: number, last: number, step: number];
  readonly subcommands?: Readonly<Record<string, CommandSpec>>;
  readonly run: (ctx: CommandContext, argv: readonly Bin[]) => Reply;
}

type SpecInput = Omit<CommandSpec, 'write'> & { write?: boolean };

export function command(spec: SpecInput): CommandSpec {
  return { write: false, ...spec };
}

/** Thrown inside a command to reply with an error; nothing may have been changed before. */
export class CommandError extends Error {
  constructor(readonly reply: string) {
    super(reply);
  }
}

/** Ends the command with an error reply (narrows like `throw`). */
export function fail(message: string): never {
  throw new CommandError(message);
}
