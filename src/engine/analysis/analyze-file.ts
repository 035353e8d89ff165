// Analysis of an RDB read as a stream of chunks (from a file in Node, a File in the page's
// worker): each key is tallied as it is parsed and then dropped, so memory stays flat whatever
// the file's size. A dataset already in an engine (an AOF, which must be replayed) is walked
// through the same tallies.
import { Engine } from '../engine.js';
import type { Cancellation } from '../load-error.js';
import { loadRdb } from '../rdb/reader.js';
import { KeyspaceAnalyzer, type AnalysisReport, type AnalyzeOptions } from './analyzer.js';

export interface StreamAnalyzeOptions extends AnalyzeOptions {
  /** Named in errors. */
  file?: string;
  signal?: Cancellation;
  onProgress?: (bytes: number) => void;
  /** Awaited between chunks, so a worker can take a cancel. */
  breathe?: () => Promise<void>;
}

export async function analyzeRdb(chunks: AsyncIterable<Uint8Array>, options: StreamAnalyzeOptions): Promise<AnalysisReport> {
  const analyzer = new KeyspaceAnalyzer(options);
  // Only its configuration (encoding limits) and database count are read; it stores nothing.
  const scratch = new Engine({ clock: { now: () => options.now } });
  await loadRdb(scratch, chunks, {
    file: options.file,
    signal: options.signal,
    onProgress: options.onProgress,
    breathe: options.breathe,
    onKey: (db, key, value, expire, newer) => analyzer.add(db, key, value, expire, newer),
    // Files from newer servers are what people bring to be analysed.
    newerFormats: true,
  });
  return analyzer.report();
}

export function analyzeDataset(engine: Engine, options: AnalyzeOptions): AnalysisReport {
  const analyzer = new KeyspaceAnalyzer(options);
  for (const db of engine.dbs) {
    for (const [key, value] of db.dict) analyzer.add(db.id, key, value, db.expires.get(key) ?? null);
  }
  return analyzer.report();
}
