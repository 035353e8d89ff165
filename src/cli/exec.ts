// `exec`: inline commands from stdin, replies printed as redis-cli prints them into a pipe. With
// --dir the commands run on a persistent server over that directory: it loads what the directory
// holds at start, writes AOF/RDB files as configured, and shuts down like SHUTDOWN at the end.
import { type Config, encodingLimits, Engine, formatReplyRaw, type Reply, splitCommandLine, systemClock } from '../engine/index.js';
import { CRON_INTERVAL_MS, startPersistentServer } from './persistent-server.js';
import { binaryLines } from './stdin-lines.js';

export interface CommandRunner {
  engine: Engine;
  run(argv: string[]): Promise<Reply>;
  finish(): Promise<void>;
}

export async function openRunner(config: Config, dir: string | undefined): Promise<CommandRunner> {
  if (dir === undefined) {
    const engine = new Engine({ clock: systemClock, limits: encodingLimits(config), databases: config.getNumber('databases') });
    const client = engine.createClient();
    return { engine, run: async (argv) => engine.execute(client, argv), finish: async () => {} };
  }
  const server = await startPersistentServer(config, dir);
  const client = server.engine.createClient();
  let lastCron = Date.now();
  return {
    engine: server.engine,
    async run(argv) {
      const reply = await server.execute(client, argv);
      if (Date.now() - lastCron >= CRON_INTERVAL_MS) {
        lastCron = Date.now();
        await server.cron();
      }
      return reply;
    },
    finish: () => server.shutdown(),
  };
}

/** Runs every stdin line; `print` receives each reply (exec) or nothing (digest). */
export async function runStdin(runner: CommandRunner, print: ((text: string) => Promise<void>) | null): Promise<void> {
  const out: string[] = [];
  for await (const line of binaryLines(process.stdin)) {
    const split = splitCommandLine(line);
    let reply: Reply | null;
    if (!split.ok) reply = { kind: 'error', value: split.error };
    else if (split.argv.length === 0) reply = null;
    else reply = await runner.run(split.argv);
    if (reply && print) {
      out.push(formatReplyRaw(reply) + '\n');
      if (out.length >= 256) await print(out.splice(0).join(''));
    }
  }
  if (print && out.length > 0) await print(out.join(''));
  await runner.finish();
}

export async function writeStdout(text: string): Promise<void> {
  if (!process.stdout.write(text, 'latin1')) await new Promise((resolve) => process.stdout.once('drain', resolve));
}
