// Loads whatever a person points the CLI at — an .rdb file, an AOF directory or its manifest, a
// data directory holding appendonlydir, or a single (old-style) .aof file — into a fresh engine,
// without modifying any file. RDB 11 and 12 (redis 7.2/7.4) are read when `rdb` reads them.
import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { bytesToBin, Engine, loadAof, loadAofFile, packCollections, type RdbLoader, readChunks, readManifest, systemClock } from '../engine/index.js';
import { NodeFsStore } from '../storage/node-fs-store.js';

export class LoadPathError extends Error {}

/** appenddirname's default: where a data directory keeps its AOF. */
const AOF_DIR = 'appendonlydir';

export async function loadPath(path: string, rdb: RdbLoader): Promise<Engine> {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new LoadPathError(`${path}: no such file or directory`);
  }
  const engine = new Engine({ clock: systemClock });
  if (stat.isDirectory()) {
    const store = new NodeFsStore(path);
    // A FileStore lists files only: a data directory is recognised by the manifest inside it.
    let manifestName = (await store.list('')).find((n) => n.endsWith('.manifest'));
    let aofDir = '';
    if (!manifestName) {
      manifestName = (await store.list(AOF_DIR)).find((n) => n.endsWith('.manifest'));
      if (manifestName) aofDir = AOF_DIR;
    }
    if (!manifestName) throw new LoadPathError(`${path}: no AOF manifest (*.manifest) in this directory or in ${AOF_DIR}/`);
    await loadManifest(store, aofDir, manifestName, engine, rdb);
    return engine;
  }
  // /dev/zero never ends and /dev/null is no data file: only regular files are loaded.
  if (!stat.isFile()) throw new LoadPathError(`${path}: not a regular file or directory`);
  const store = new NodeFsStore(dirname(path));
  const name = basename(path);
  if (name.endsWith('.manifest')) {
    await loadManifest(store, '', name, engine, rdb);
    return engine;
  }
  const head = bytesToBin(await store.read(name, 0, 5));
  // The name says what a file is meant to be; only a file with neither suffix is sniffed.
  const isRdb = name.endsWith('.rdb') || (!name.endsWith('.aof') && head === 'REDIS');
  if (isRdb) {
    await rdb(engine, name, readChunks(store, name), {});
  } else {
    if (stat.size === 0 && !name.endsWith('.aof')) throw new LoadPathError(`${path}: the file is empty (neither an RDB file nor an AOF)`);
    await loadAofFile(store, engine, name, name, { loadTruncated: true, isLastFile: true, rdb });
    // As loadAof does after a directory's files: what the commands built is kept packed.
    packCollections(engine.dbs);
  }
  return engine;
}

async function loadManifest(store: NodeFsStore, dir: string, manifestName: string, engine: Engine, rdb: RdbLoader): Promise<void> {
  const filename = manifestName.slice(0, -'.manifest'.length);
  const manifest = await readManifest(store, dir, filename);
  if (!manifest) throw new LoadPathError(`${join(store.root, dir, manifestName)}: cannot read the manifest`);
  await loadAof(store, engine, manifest, { dir, appendFilename: filename, loadTruncated: true, truncateOnDisk: false, rdb });
}
