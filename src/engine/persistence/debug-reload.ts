// DEBUG RELOAD and DEBUG LOADAOF (debug.c): the dataset saved to dump.rdb and loaded back — or
// the AOF written, fsynced and replayed — in place, as Redis's tests use them to check that what
// the files hold is the dataset. Both hold the event loop (the reply waits) as in Redis; the
// other DEBUG subcommands stay the engine's.
import type { CommandContext } from '../context.js';
import { loadAof, readManifest } from '../aof/loader.js';
import { aofDirPath } from '../aof/writer.js';
import type { Bin } from '../bytes.js';
import { command, fail, type CommandSpec } from '../commands/types.js';
import { OK } from '../resp/reply.js';
import { joinPath, readChunks } from './disk.js';
import type { PersistentServer } from './server.js';
import { BlockedCommandError } from './core.js';

const RELOAD_OPTIONS = 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.';

/** emptyData: every database emptied, watchers told, nothing propagated. */
function emptyData(ctx: CommandContext): void {
  for (const db of ctx.engine.dbs) {
    ctx.engine.signalFlushedDb(db);
    db.clear();
  }
}

export function debugCommand(server: PersistentServer, engineDebug: CommandSpec): CommandSpec {
  const reload = (ctx: CommandContext, argv: readonly Bin[]) => {
    let flush = true;
    let save = true;
    let merge = false;
    for (const option of argv.slice(2)) {
      const o = option.toLowerCase();
      if (o === 'noflush') flush = false;
      else if (o === 'nosave') save = false;
      else if (o === 'merge') merge = true;
      else fail(RELOAD_OPTIONS);
    }
    server.block(
      (async () => {
        if (save) await server.saveNow();
        if (flush) emptyData(ctx);
        const path = joinPath(server.dir, server.config.get('dbfilename'));
        try {
          await server.rdb.load(server.engine, server.config.get('dbfilename'), readChunks(server.disk, path), { allowDuplicates: merge });
        } catch (e) {
          server.log(`Error trying to load the RDB dump: ${(e as Error).message}`);
          throw new BlockedCommandError('ERR Error trying to load the RDB dump');
        }
        server.log('DB reloaded by DEBUG RELOAD');
      })(),
    );
    return OK;
  };
  const loadaof = (ctx: CommandContext) => {
    server.block(
      (async () => {
        await server.flushAof();
        emptyData(ctx);
        const location = server.aofLocation;
        const dir = aofDirPath(location);
        const manifest = await readManifest(server.disk, dir, location.filename);
        if (manifest) {
          await loadAof(server.disk, server.engine, manifest, {
            dir,
            appendFilename: location.filename,
            loadTruncated: server.config.getBool('aof-load-truncated'),
            rdb: server.rdb.load,
            log: (line) => server.log(line),
          });
        }
        // Nothing loaded is a change to save or propagate.
        server.engine.dirty = 0;
        server.log('Append Only File loaded by DEBUG LOADAOF');
      })(),
    );
    return OK;
  };
  return command({
    ...engineDebug,
    run(ctx, argv) {
      const sub = argv[1]!.toLowerCase();
      if (sub === 'reload') return reload(ctx, argv);
      if (sub === 'loadaof') return loadaof(ctx);
      return engineDebug.run(ctx, argv);
    },
  });
}
