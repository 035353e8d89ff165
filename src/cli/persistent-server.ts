// The persistent server the CLI runs (`exec --dir`, `serve`): Redis's files in a directory on the
// real file system — or, without a directory, in memory for the life of the process — on the
// system clock, logging to stderr as redis-server logs.
import { hostThread } from '../sim/host-thread.js';
import { statSync } from 'node:fs';
import { type Config, PersistentServer, rdbCodec, systemClock } from '../engine/index.js';
import { MemoryStore } from '../storage/memory-store.js';
import { NodeFsStore } from '../storage/node-fs-store.js';

/** How often serverCron runs (hz 10), in wall-clock ms. */
export const CRON_INTERVAL_MS = 100;

export async function startPersistentServer(
  config: Config,
  dir: string | undefined,
  log: (line: string) => void = (line) => process.stderr.write(`# ${line}\n`),
): Promise<PersistentServer> {
  if (dir !== undefined) checkDataDir(dir);
  const { server } = await PersistentServer.start({
    disk: dir === undefined ? new MemoryStore() : new NodeFsStore(dir),
    config,
    clock: systemClock,
    rdb: rdbCodec,
    log,
    childThread: hostThread,
  });
  return server;
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
