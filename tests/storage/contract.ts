// Runs the FileStore contract under Vitest.
import { describe, it } from 'vitest';
import type { FileStore } from '../../src/storage/file-store.js';
import { contractChecks } from './contract-core.js';

export function fileStoreContract(name: string, makeStore: () => Promise<FileStore> | FileStore): void {
  describe(`FileStore contract: ${name}`, () => {
    for (const check of contractChecks) it(check.name, () => check.run(async () => makeStore()));
  });
}
