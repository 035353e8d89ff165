// The FileStore contract as plain async checks with no test-runner dependency, so the same
// checks run under Vitest (memory, node-fs) and inside a Chromium worker (OPFS, IndexedDB).
import fc from 'fast-check';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { readAll, StorageError, writeFileAtomically, type FileStore } from '../../src/storage/file-store.js';

export type StoreFactory = () => Promise<FileStore>;

export interface ContractCheck {
  name: string;
  run(makeStore: StoreFactory): Promise<void>;
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function assertEqual(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

async function assertRejectsWith(promise: Promise<unknown>, code: string, what: string): Promise<void> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof StorageError && e.code === code) return;
    throw new Error(`${what}: expected StorageError ${code}, got ${String(e)}`);
  }
  throw new Error(`${what}: expected a rejection`);
}

type Operation =
  | { op: 'append'; path: string; data: number[] }
  | { op: 'write'; path: string; offset: number; data: number[] }
  | { op: 'truncate'; path: string; size: number }
  | { op: 'rename'; from: string; to: string }
  | { op: 'delete'; path: string };

const pathArb = fc.constantFrom('a', 'b', 'dir/c', 'dir/d');
const dataArb = (max: number) => fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: max });
const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ op: fc.constant('append' as const), path: pathArb, data: dataArb(40) }),
  fc.record({ op: fc.constant('write' as const), path: pathArb, offset: fc.integer({ min: 0, max: 70_000 }), data: dataArb(20) }),
  fc.record({ op: fc.constant('truncate' as const), path: pathArb, size: fc.integer({ min: 0, max: 70_000 }) }),
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

/** Every file's size and a cheap content fingerprint, for comparing stores. */
async function snapshot(store: FileStore): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const dir of ['', 'dir']) {
    for (const name of await store.list(dir)) {
      const path = dir ? `${dir}/${name}` : name;
      const content = await readAll(store, path);
      let hash = 0;
      for (const b of content) hash = (Math.imul(hash, 31) + b) | 0;
      out[path] = `${content.length}:${hash}`;
    }
  }
  return out;
}

export const contractChecks: readonly ContractCheck[] = [
  {
    name: 'appends, reads ranges and reports sizes',
    async run(makeStore) {
      const store = await makeStore();
      assertEqual(await store.size('x'), null, 'size of a missing file');
      assertEqual(await store.append('x', bytes('hello ')), 6, 'first append');
      assertEqual(await store.append('x', bytes('world')), 11, 'second append');
      assertEqual(text(await store.read('x', 6, 100)), 'world', 'read past the end');
      assertEqual(text(await store.read('x', 20, 5)), '', 'read beyond the end');
      assertEqual(await store.size('x'), 11, 'size');
    },
  },
  {
    name: 'writes at offsets with zero-filled gaps and truncates both ways',
    async run(makeStore) {
      const store = await makeStore();
      await store.write('f', 3, bytes('ab'));
      assertEqual([...(await readAll(store, 'f'))], [0, 0, 0, 97, 98], 'gap');
      await store.truncate('f', 2);
      assertEqual(await store.size('f'), 2, 'shrunk');
      await store.truncate('f', 4);
      assertEqual([...(await readAll(store, 'f'))], [0, 0, 0, 0], 'grown with zeros');
    },
  },
  {
    name: 'lists files per directory and renames atomically over an existing file',
    async run(makeStore) {
      const store = await makeStore();
      await store.append('dir/one', bytes('1'));
      await store.append('dir/two', bytes('2'));
      await store.append('top', bytes('t'));
      assertEqual(await store.list('dir'), ['one', 'two'], 'list dir');
      assertEqual(await store.list(''), ['top'], 'list root');
      await store.rename('dir/one', 'dir/two');
      assertEqual(await store.list('dir'), ['two'], 'after rename');
      assertEqual(text(await readAll(store, 'dir/two')), '1', 'renamed content');
      await store.delete('dir/two');
      await store.delete('dir/two');
      assertEqual(await store.list('dir'), [], 'after delete');
    },
  },
  {
    name: 'reports a missing file as ENOENT',
    async run(makeStore) {
      const store = await makeStore();
      await assertRejectsWith(store.read('nope', 0, 1), 'ENOENT', 'read');
      await assertRejectsWith(store.rename('nope', 'x'), 'ENOENT', 'rename');
    },
  },
  {
    // The page sizes a temp manifest it listed a moment ago while the server creates it anew:
    // on OPFS the write joined the size's open, which does not create, and failed with ENOENT
    // ("CONFIG SET appendonly yes: ERR", the policy change refused).
    name: 'creates a file that another caller is looking up at the same moment',
    async run(makeStore) {
      const store = await makeStore();
      for (const path of ['dir/new', 'fresh']) {
        const [sizeBefore] = await Promise.all([store.size(path), store.write(path, 0, bytes('made'))]);
        if (sizeBefore !== null && sizeBefore !== 4) throw new Error(`size while created: got ${sizeBefore}`);
        assertEqual(text(await readAll(store, path)), 'made', `${path} content`);
        const [missing] = await Promise.all([store.size(`${path}-other`), store.append(`${path}-other`, bytes('x'))]);
        if (missing !== null && missing !== 1) throw new Error(`size while appended: got ${missing}`);
        assertEqual(await store.size(`${path}-other`), 1, `${path}-other size`);
      }
    },
  },
  {
    // aof_buf reuses the buffer of a turn's write for a later turn once the write has settled.
    name: 'keeps no reference to the bytes it was given once a write or append settled',
    async run(makeStore) {
      const store = await makeStore();
      const buffer = bytes('first turn');
      await store.append('log', buffer);
      buffer.set(bytes('XXXXXXXXXX'));
      await store.write('log', 10, buffer.subarray(0, 4));
      buffer.set(bytes('YYYYYYYYYY'));
      await store.flush('log');
      assertEqual(text(await readAll(store, 'log')), 'first turnXXXX', 'content after the buffer was reused');
    },
  },
  {
    name: 'writes a file atomically through a temp file',
    async run(makeStore) {
      const store = await makeStore();
      await store.append('dir/m', bytes('old'));
      await writeFileAtomically(store, 'dir/m', bytes('new content'), 'dir/temp-m');
      assertEqual(text(await readAll(store, 'dir/m')), 'new content', 'content');
      assertEqual(await store.list('dir'), ['m'], 'no temp left');
    },
  },
  {
    // The worker's page lists and sizes files (the restart preview, telemetry) while the server
    // renames a new manifest into place: on OPFS both wanted the file's one access handle, and the
    // rename failed ("CONFIG SET appendonly yes: ERR", so a restart read the old manifest).
    name: 'serves lists, sizes and reads while another caller renames files into place',
    async run(makeStore) {
      const store = await makeStore();
      await store.append('dir/m', bytes('v0'));
      let writing = true;
      const writer = (async () => {
        for (let i = 1; i <= 30; i++) await writeFileAtomically(store, 'dir/m', bytes(`v${i}`), 'dir/temp-m');
        writing = false;
      })();
      const reader = async () => {
        while (writing) {
          for (const name of await store.list('dir')) {
            try {
              await store.size(`dir/${name}`);
              await store.read(`dir/${name}`, 0, 10);
            } catch (e) {
              if (!(e instanceof StorageError && e.code === 'ENOENT')) throw e;
            }
          }
        }
      };
      await Promise.all([writer, reader(), reader()]);
      assertEqual(text(await readAll(store, 'dir/m')), 'v30', 'last version');
      assertEqual(await store.list('dir'), ['m'], 'no temp left');
    },
  },
  {
    name: 'behaves like the in-memory reference for any operation sequence',
    async run(makeStore) {
      await fc.assert(
        fc.asyncProperty(fc.array(operationArb, { maxLength: 25 }), async (operations) => {
          const store = await makeStore();
          const reference = new MemoryStore();
          for (const operation of operations) {
            assertEqual(await apply(store, operation), await apply(reference, operation), JSON.stringify(operation));
          }
          assertEqual(await snapshot(store), await snapshot(reference), 'final files');
        }),
        { numRuns: 40 },
      );
    },
  },
];
