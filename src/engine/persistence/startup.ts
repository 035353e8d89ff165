// Start-up as loadDataFromDisk does it: with appendonly yes the AOF (its manifest, or an old
// single-file AOF migrated into the directory, or a fresh base written from nothing), otherwise
// dump.rdb; then the AOF is opened for appending where the files end.
import { AofFeed } from '../aof/feed.js';
import { loadAof, readManifest } from '../aof/loader.js';
import { aofDirPath, AofWriter } from '../aof/writer.js';
import type { AofPersistence } from './aof-policy.js';
import { concatChunks, snapshotRdb, type ServerCore } from './core.js';
import { joinPath, readChunks } from './disk.js';
import { migrateOldAof } from './migrate.js';
import type { StartReport } from './status.js';

export async function loadFromDisk(core: ServerCore, aof: AofPersistence): Promise<StartReport> {
  const report: StartReport = { source: 'none', files: [], keys: 0, truncation: null, migratedOldAof: false };
  const { config, disk, engine, options } = core;
  const progress = options.onLoadProgress;
  const signal = options.signal;
  if (config.getBool('appendonly')) {
    const location = core.aofLocation;
    const aofDir = aofDirPath(location);
    let manifest = await readManifest(disk, aofDir, location.filename);
    if (!manifest) {
      manifest = await migrateOldAof(disk, location, (line) => core.log(line));
      report.migratedOldAof = manifest !== null;
    }
    const feed = new AofFeed(engine);
    if (manifest) {
      const loaded = await loadAof(disk, engine, manifest, {
        dir: aofDir,
        appendFilename: location.filename,
        loadTruncated: config.getBool('aof-load-truncated'),
        rdb: core.rdb.load,
        log: (line) => core.log(line),
        ...(signal ? { signal } : {}),
        ...(progress ? { onProgress: progress } : {}),
      });
      report.source = 'aof';
      report.files = loaded.files.map((f) => ({ name: f.name, bytes: f.bytes, format: f.format }));
      report.truncation = loaded.truncation;
      for (const history of manifest.history) await disk.delete(joinPath(aofDir, history.name));
      let size = 0;
      for (const f of [...(manifest.base ? [manifest.base] : []), ...manifest.incrs]) size += (await disk.size(joinPath(aofDir, f.name))) ?? 0;
      const writer = new AofWriter(disk, location, { ...manifest, history: [] }, feed, { current: size, base: size });
      if (manifest.history.length > 0) await writer.persistManifest({ ...manifest, history: [] });
      if (manifest.incrs.length === 0) await writer.openNewIncr(new Uint8Array(0));
      else core.log(`Opening AOF incr file ${manifest.incrs.at(-1)!.name} on server start`);
      aof.writer = writer;
    } else {
      const preamble = config.getBool('aof-use-rdb-preamble');
      const base = preamble ? concatChunks(snapshotRdb(core, true)) : new Uint8Array(0);
      aof.writer = await AofWriter.create(disk, location, feed, { bytes: base, rdbPreamble: preamble });
      core.log(`Creating AOF base file ${aof.writer.manifest.base?.name} on server start`);
    }
    feed.forceSelect();
    aof.feed = feed;
    // initServer sets aof_last_fsync to the start time: the first everysec fsync waits for a new second.
    if (aof.writer) aof.writer.lastFsyncAt = core.engine.clock.now();
  } else {
    const name = config.get('dbfilename');
    const path = joinPath(core.dir, name);
    const size = await disk.size(path);
    if (size !== null) {
      await core.rdb.load(engine, name, readChunks(disk, path), {
        ...(signal ? { signal } : {}),
        ...(progress ? { onProgress: (done: number) => progress(done, size) } : {}),
      });
      report.source = 'rdb';
      report.files = [{ name, bytes: size, format: 'rdb' }];
    }
  }
  report.keys = engine.dbs.reduce((sum, db) => sum + db.size, 0);
  return report;
}
