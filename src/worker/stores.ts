// The browser storage a worker writes to, by the page's choice: OPFS (sync access handles, in a
// worker only) or IndexedDB; OPFS falls back to IndexedDB where the browser lacks it.
import type { FileStore } from '../storage/file-store.js';
import { IndexedDbStore } from '../storage/indexeddb-store.js';
import { OpfsStore } from '../storage/opfs-store.js';

export type BackendChoice = 'opfs' | 'indexeddb';

export function storeLabel(backend: BackendChoice): string {
  return backend === 'opfs' ? 'OPFS' : 'IndexedDB';
}

export interface OpenedStore {
  store: FileStore;
  backend: BackendChoice;
  /** Why it is not the one asked for, if it is not. */
  notice: string | null;
  /** Releases handles (OPFS sync handles lock their files). */
  close(): void;
}

export async function openStore(backend: BackendChoice, name: string): Promise<OpenedStore> {
  if (backend === 'opfs' && OpfsStore.isAvailable()) {
    const store = await OpfsStore.open(name);
    return { store, backend, notice: null, close: () => store.closeAll() };
  }
  const store = await IndexedDbStore.open(name);
  const notice = backend === 'opfs' ? 'This browser has no OPFS sync access handles, so the lab stores its files in IndexedDB.' : null;
  return { store, backend: 'indexeddb', notice, close: () => store.close() };
}
