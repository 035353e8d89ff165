// The FileStore contract: one suite every backend must pass (memory and node-fs here; OPFS and
// IndexedDB run the same operations in Chromium).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { readAll, StorageError, writeFileAtomically, type FileStore } from '../../src/storage/file-store.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

type Operation =
  | { op: 'append'; path: string; data: number[] }
  | { op: 'write'; path: string; offset: number; data: number[] }
  | { op: 'truncate'; path: string; size: number }
  | { op: 'rename'; from: string; to: string }
  | { op: 'delete'; path: string };

const pathArb = fc.constantFrom('a', 'b', 'dir/c', 'dir/d');
const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ op: fc.constant('append' as const), path: pathArb, data: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }) }),
  fc.record({ op: fc.constant('write' as const), path: pathArb, offset: fc.integer({ min: 0, max: 60 }), data: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 20 }) }),
  fc.record({ op: fc.constant('truncate' as const), path: pathArb, size: fc.integer({ min: 0, max: 80 }) }),
  fc.record({ op: fc.constant('rename' as const), from: pathArb, to: pathArb }),
  fc.record({ op: fc.constant('delete' as const), path: pathArb }),
);

async function apply(store: FileStore, operation: Operation): Promise<string> {
  try {
    switch (operation.op) {
      case 'append':
        return String(await store.append(operation.path, Uint8Array.from(operation.data)));
      case 'write':
        await store.write(operation.path, operation.offset, Uint8Array.from(operation.data));
        return 'ok';
      case 'truncate':
        await store.truncate(operation.path, operation.size);
        return 'ok';
      case 'rename':
        if (operation.from === operation.to) return 'same';
        await store.rename(operation.from, operation.to);
        return 'ok';
      case 'delete':
        await store.delete(operation.path);
        return 'ok';
    }
  } catch (e) {
    if (e instanceof StorageError) return `error ${e.code}`;
    throw e;
  }
}

async function snapshot(store: FileStore): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const dir of ['', 'dir']) {
    for (const name of await store.list(dir)) {
      const path = dir ? `${dir}/${name}` : name;
      out[path] = [...(await readAll(store, path))];
    }
  }
  return out;
}

export function fileStoreContract(name: string, makeStore: () => Promise<FileStore> | FileStore): void {
  describe(`FileStore contract: ${name}`, () => {
    it('appends, reads ranges and reports sizes', async () => {
      const store = await makeStore();
      expect(await store.size('x')).toBeNull();
      expect(await store.append('x', bytes('hello '))).toBe(6);
      expect(await store.append('x', bytes('world'))).toBe(11);
      expect(text(await store.read('x', 6, 100))).toBe('world');
      expect(text(await store.read('x', 20, 5))).toBe('');
      expect(await store.size('x')).toBe(11);
    });

    it('writes at offsets with zero-filled gaps and truncates both ways', async () => {
      const store = await makeStore();
      await store.write('f', 3, bytes('ab'));
      expect([...(await readAll(store, 'f'))]).toEqual([0, 0, 0, 97, 98]);
      await store.truncate('f', 2);
      expect(await store.size('f')).toBe(2);
      await store.truncate('f', 4);
      expect([...(await readAll(store, 'f'))]).toEqual([0, 0, 0, 0]);
    });

    it('lists files per directory and renames atomically over an existing file', async () => {
      const store = await makeStore();
      await store.append('dir/one', bytes('1'));
      await store.append('dir/two', bytes('2'));
      await store.append('top', bytes('t'));
      expect(await store.list('dir')).toEqual(['one', 'two']);
      expect(await store.list('')).toEqual(['top']);
      await store.rename('dir/one', 'dir/two');
      expect(await store.list('dir')).toEqual(['two']);
      expect(text(await readAll(store, 'dir/two'))).toBe('1');
      await store.delete('dir/two');
      await store.delete('dir/two');
      expect(await store.list('dir')).toEqual([]);
    });

    it('reports a missing file as ENOENT', async () => {
      const store = await makeStore();
      await expect(store.read('nope', 0, 1)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(store.rename('nope', 'x')).rejects.toBeInstanceOf(StorageError);
    });

    it('writes a file atomically through a temp file', async () => {
      const store = await makeStore();
      await store.append('dir/m', bytes('old'));
      await writeFileAtomically(store, 'dir/m', bytes('new content'), 'dir/temp-m');
      expect(text(await readAll(store, 'dir/m'))).toBe('new content');
      expect(await store.list('dir')).toEqual(['m']);
    });

    it('behaves like the in-memory reference for any operation sequence', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(operationArb, { maxLength: 25 }), async (operations) => {
          const store = await makeStore();
          const reference = new MemoryStore();
          for (const operation of operations) {
            expect(await apply(store, operation)).toBe(await apply(reference, operation));
          }
          expect(await snapshot(store)).toEqual(await snapshot(reference));
        }),
        { numRuns: 60 },
      );
    });
  });
}
