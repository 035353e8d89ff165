// The worker's files.analyze, called as the page calls it (a File, options, and the call context
// that carries the page's Cancel and progress): the same report as the engine's analysis of the
// same bytes in one piece, progress in bytes up to the file's size, a result that survives
// structured cloning (postMessage), and a Cancel that stops the reading and says so.
import { describe, expect, it } from 'vitest';
import { analyzeRdb, Engine, systemClock } from '../../src/engine/index.js';
import { rdbChunks } from '../../src/engine/rdb/writer.js';
import type { CallContext } from '../../src/worker/protocol.js';
import type { LiveService } from '../../src/worker/services/live.js';
import { FileService } from '../../src/worker/services/files.js';

function rdbOf(keys: number): Uint8Array<ArrayBuffer> {
  const engine = new Engine({ clock: systemClock });
  const client = engine.createClient();
  for (let i = 0; i < keys; i++) engine.execute(client, i % 10 === 0 ? ['HSET', `h:${i}`, 'f', 'v', 'g', String(i)] : ['SET', `s:${i % 7}:${i}`, `value-${i}`]);
  return new Uint8Array(Buffer.concat([...rdbChunks(engine.dbs, { compression: true, checksum: true, aofBase: false, now: systemClock.now(), usedMemory: 0 })]));
}

/** The worker's API as main.ts serves it; analyze needs nothing of the live server. */
const files = new FileService(null as unknown as LiveService).api;

function context(onProgress: (done: number, total: number, controller: AbortController) => void = () => {}): CallContext & { controller: AbortController } {
  const controller = new AbortController();
  return { controller, signal: controller.signal, progress: (done, total) => onProgress(done, total, controller) };
}

describe('files.analyze (worker)', () => {
  const bytes = rdbOf(30_000);
  const file = new File([bytes], 'dump.rdb');

  it('streams the File to the same report as the engine, reporting progress in bytes', async () => {
    const progress: [number, number][] = [];
    const report = await files.analyze(file, { separator: ':', top: 5 }, context((done, total) => progress.push([done, total])));
    async function* whole() {
      yield bytes;
    }
    const direct = await analyzeRdb(whole(), { now: Date.now(), separator: ':', top: 5 });
    expect(report).toEqual(direct);
    expect(report.total.keys).toBe(30_000);
    expect(structuredClone(report)).toEqual(report);
    expect(progress.length).toBeGreaterThan(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]![0]).toBeGreaterThanOrEqual(progress[i - 1]![0]);
    expect(progress.every(([, total]) => total === bytes.length)).toBe(true);
    expect(progress.at(-1)![0]).toBe(bytes.length);
  });

  it('stops at a Cancel and says so', async () => {
    let reports = 0;
    const call = context((_done, _total, controller) => {
      if (++reports === 1) controller.abort(new Error('cancelled'));
    });
    await expect(files.analyze(file, {}, call)).rejects.toThrow('The analysis was cancelled.');
    expect(reports).toBe(1);
  });

  it('names a damaged file in its error', async () => {
    const damaged = new File([bytes.subarray(0, 5000)], 'cut.rdb');
    await expect(files.analyze(damaged, {}, context())).rejects.toThrow(/cut\.rdb/);
  });
});
