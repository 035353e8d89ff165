// Upgrade from a single-file AOF (Redis ≤ 6.2): `dir/appendonly.aof` moves into the AOF directory
// as base seq 1 under its old name, an empty incr seq 1 is created and the manifest written — what
// redis-server 7.0 does on its first start over an old data directory.
import { binToBytes } from '../bytes.js';
import { type AofManifest, aofNames, serializeManifest } from '../aof/manifest.js';
import { aofDirPath, type AofLocation } from '../aof/writer.js';
import { type Disk, joinPath, replaceFile } from './disk.js';

export async function migrateOldAof(disk: Disk, location: AofLocation, log: (line: string) => void): Promise<AofManifest | null> {
  const oldPath = joinPath(location.dir, location.filename);
  if ((await disk.size(oldPath)) === null) return null;
  const aofDir = aofDirPath(location);
  await disk.rename(oldPath, joinPath(aofDir, location.filename));
  const incr = aofNames.incr(location.filename, 1);
  await disk.delete(joinPath(aofDir, incr));
  await disk.write(joinPath(aofDir, incr), 0, new Uint8Array(0));
  await disk.flush(joinPath(aofDir, incr));
  const manifest: AofManifest = {
    base: { name: location.filename, seq: 1, type: 'b' },
    history: [],
    incrs: [{ name: incr, seq: 1, type: 'i' }],
  };
  await replaceFile(disk, aofDir, aofNames.manifest(location.filename), aofNames.tempManifest(location.filename), binToBytes(serializeManifest(manifest)));
  await disk.flushDir(location.dir);
  log(`Successfully migrated an old-style AOF file (${location.filename}) into the AOF directory (${location.dirName}).`);
  return manifest;
}
