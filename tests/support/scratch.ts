// Temp directories and redis-servers a test file creates, all removed and stopped after each test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { RedisServer } from './redis-server.js';

export function useScratch(prefix: string): { tempDir: () => string; servers: RedisServer[] } {
  const dirs: string[] = [];
  const servers: RedisServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    tempDir() {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    servers,
  };
}
