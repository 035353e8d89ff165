// `exec`: lines from stdin handled as redis-cli handles them, replies printed as it prints them
// into a pipe. With --dir the commands run on a persistent server over that directory: it loads
// what the directory holds at start, writes AOF/RDB files as configured, and shuts down like
// SHUTDOWN at the end.
import { statSync } from 'node:fs';
import { type Config, Engine, PersistentServer, rdbCodec, type Reply, runCliLine, systemClock } from '../engine/index.js';
import { NodeFsStore } from '../storage/node-fs-store.js';
import { binaryLineBatches } from './stdin-lines.js';

/** How often serverCron runs (hz 10), in wall-clock ms. */
const CRON_INTERVAL_MS = 100;

export interface CommandRunner {
  engine: Engine;
  run(argv: string[]): Promise<Reply>;
  finish(): Promise<void>;
}

interface Server {
  engine: Engine;
  run(argv: string[]): Promise<Reply>;
  /** serverCron: background jobs, fsyncs, save points, active expiry. */
  cron(): Promise<void>;
  finish(): Promise<void>;
}

export async function openRunner(config: Config, dir: string | undefined): Promise<CommandRunner> {
  if (dir === undefined) {
    const engine = new Engine({ clock: systemClock, config, databases: config.getNumber('databases') });
    const client = engine.createClient();
    return withCron({ engine, run: async (argv) => engine.execute(client, argv), cron: async () => void engine.activeExpireCycle(), finish: async () => {} });
  }
  checkDataDir(dir);
  const { server } = await PersistentServer.start({
    disk: new NodeFsStore(dir),
    config,
    clock: systemClock,
    rdb: rdbCodec,
    log: (line) => process.stderr.write(`# ${line}\n`),
  });
  const client = server.engine.createClient();
  return withCron({ engine: server.engine, run: (argv) => server.execute(client, argv), cron: () => server.cron(), finish: () => server.shutdown() });
}

/** redis-server refuses a `dir` it cannot chdir to, with strerror's words; so does the CLI. */
function checkDataDir(dir: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    throw new Error(`--dir ${dir}: No such file or directory`);
  }
  if (!isDirectory) throw new Error(`--dir ${dir}: Not a directory`);
}

/**
 * Runs serverCron ten times a second of wall time, whether commands arrive or not (keys expire
 * while stdin is quiet), one thing at a time with the commands. A failure in the cron (a server
 * that must exit) surfaces at the next command or at the end.
 */
function withCron(server: Server): CommandRunner {
  let turn: Promise<unknown> = Promise.resolve();
  let failure: Error | null = null;
  const serially = <T>(operation: () => Promise<T>): Promise<T> => {
    const result = turn.then(() => {
      if (failure) throw failure;
      return operation();
    });
    turn = result.catch(() => {});
    return result;
  };
  const timer = setInterval(() => {
    serially(server.cron).catch((e: Error) => (failure ??= e));
  }, CRON_INTERVAL_MS);
  // The timer alone does not keep the process alive: the end of stdin ends the run.
  timer.unref();
  return {
    engine: server.engine,
    run: (argv) => serially(() => server.run(argv)),
    async finish() {
      clearInterval(timer);
      await serially(server.finish);
    },
  };
}

/**
 * Runs every stdin line as redis-cli's prompt does (quit and exit end the input); `print`
 * receives what redis-cli prints into a pipe (exec), or nothing (digest). What the lines that
 * have arrived print is written before waiting for more, as redis-cli flushes after each reply.
 */
export async function runStdin(runner: CommandRunner, print: ((text: string) => Promise<void>) | null): Promise<void> {
  let exit = false;
  for await (const lines of binaryLineBatches(process.stdin)) {
    const out: string[] = [];
    for (const line of lines) {
      const result = await runCliLine(line, 'raw', (argv) => runner.run(argv));
      if (print && result.output !== '') out.push(result.output);
      if (print && out.length >= 256) await print(out.splice(0).join(''));
      exit = result.exit;
      if (exit) break;
    }
    if (print && out.length > 0) await print(out.join(''));
    if (exit) break;
  }
  await runner.finish();
}
