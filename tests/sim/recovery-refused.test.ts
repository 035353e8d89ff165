// A restart that refuses the files it finds: a torn AOF tail under aof-load-truncated no makes
// redis-server exit, so the run's report must say that nothing came back, not end without one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario/scenario.js';
import { runScenario } from '../../src/sim/run-scenario.js';
import { listFilesIn, readAll } from '../../src/storage/file-store.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { redisRefusal } from '../support/redis-server.js';
import { useScratch } from '../support/scratch.js';

const { tempDir } = useScratch('lab-refused-');

const scenario = (truncated: 'yes' | 'no'): Scenario => ({
  ...DEFAULT_SCENARIO,
  preset: 'aof-everysec',
  config: `aof-load-truncated ${truncated}`,
  durationMs: 6_000,
  events: [{ at: 5_500, kind: 'crash', crash: 'torn' }],
});

describe('a restart that refuses the files', () => {
  it('is reported: the error, nothing recovered, the promise broken', async () => {
    const backend = new MemoryStore();
    const report = await runScenario(scenario('no'), { backend, rdb: rdbCodec, seed: 1 });
    expect(report.recoveryError).toMatch(/^appendonly\.aof\.1\.incr\.aof, offset \d+: Unexpected end of file reading the append only file/);
    expect(report).toMatchObject({ recoveredWrites: 0, lostWrites: report.acknowledgedWrites, promiseHeld: false, recoveredFrom: 'disk' });
    expect(report.acknowledgedWrites).toBeGreaterThan(0);
    expect(report.verdict).toMatch(/^The restarted server refused to load its files, so none of the [\d,]+ acknowledged writes came back: /);
    expect(report.explanation).toContain('refused to load its files');
    // redis-server refuses the same files with the same setting.
    const dir = tempDir();
    for (const { path } of await listFilesIn(backend, ['', 'appendonlydir'])) {
      mkdirSync(join(dir, 'appendonlydir'), { recursive: true });
      writeFileSync(join(dir, path), await readAll(backend, path));
    }
    expect(await redisRefusal(dir, ['--appendonly', 'yes', '--aof-load-truncated', 'no'])).toContain('Unexpected end of file reading the append only file');
  });

  it('is no error when the truncated tail may be dropped', async () => {
    const report = await runScenario(scenario('yes'), { backend: new MemoryStore(), rdb: rdbCodec, seed: 1 });
    expect(report.recoveryError).toBeNull();
    expect(report.truncatedBytes).toBeGreaterThan(0);
    expect(report.promiseHeld).toBe(true);
  });
});
