// The FileStore contract for the Node-side backends and the page-cache model over them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { NodeFsStore } from '../../src/storage/node-fs-store.js';
import { PageCacheStore } from '../../src/storage/page-cache.js';
import { fileStoreContract } from './contract.js';

const roots: string[] = [];
const stores: NodeFsStore[] = [];
afterAll(() => {
  for (const store of stores) store.closeAll();
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

fileStoreContract('memory', () => new MemoryStore());
fileStoreContract('node-fs', () => {
  const root = mkdtempSync(join(tmpdir(), 'lab-store-'));
  roots.push(root);
  const store = new NodeFsStore(root);
  stores.push(store);
  return store;
});
// The page-cache model is a FileStore too: whatever it tracks, the process sees a plain file system.
fileStoreContract('page cache over memory', () => new PageCacheStore(new MemoryStore(), { now: () => 0 }));
