// What the engine worker can do, as plain async methods. The protocol's request and reply types
// are derived from this object, so a call from the UI is type-checked end to end.
import { binToText, textToBin } from '../engine/bytes.js';
import type { Engine, Client } from '../engine/engine.js';
import { formatReplyTty } from '../engine/resp/cli-format.js';
import { splitCommandLine } from '../engine/resp/inline.js';
import type { Reply } from '../engine/resp/reply.js';

export interface ConsoleResult {
  /** The reply as redis-cli prints it on a terminal, without the final newline. */
  text: string;
  isError: boolean;
  /** The client's database after the command, for the prompt. */
  db: number;
  /** Inside MULTI (redis-cli shows "(TX)" in the prompt). */
  inTransaction: boolean;
  elapsedMs: number;
}

/** redis-cli prints bytes as they are; the console shows them as UTF-8 text when they are. */
function display(formatted: string): string {
  return binToText(formatted) ?? formatted;
}

export function makeApi(engine: Engine, client: Client, now: () => number) {
  return {
    async execute(line: string): Promise<ConsoleResult | null> {
      const started = now();
      const split = splitCommandLine(textToBin(line));
      let reply: Reply;
      if (!split.ok) reply = { kind: 'error', value: split.error };
      else if (split.argv.length === 0) return null;
      else reply = engine.execute(client, split.argv);
      return {
        text: display(formatReplyTty(reply)).replace(/\n$/, ''),
        isError: reply.kind === 'error',
        db: client.db,
        inTransaction: client.multi !== null,
        elapsedMs: now() - started,
      };
    },
    async keyCount(): Promise<number> {
      return engine.dbs.reduce((sum, db) => sum + db.size, 0);
    },
  };
}

export type WorkerApi = ReturnType<typeof makeApi>;
