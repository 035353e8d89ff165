// `cli analyze PATH`: what an RDB holds (keys and memory per type, encoding, database and prefix,
// the biggest keys, expiries, element counts) read in chunks and tallied key by key, so that a
// file of any size is analysed in constant memory. An AOF has to be replayed first (a command
// may change any earlier key), so it is loaded into an engine and then walked.
import { statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { analysisCsv, analysisJson, analysisText, analyzeDataset, analyzeRdb, bytesToBin, newerRdbLoad, readChunks, textToBin, type AnalysisReport, type AnalyzeOptions, type TypeName } from '../engine/index.js';
import { NodeFsStore } from '../storage/node-fs-store.js';
import { loadPath } from './load-path.js';
import { intOption, parseWithOperand, UsageError } from './options.js';
import { Progress } from './progress.js';

export const ANALYZE_OPTIONS = {
  separator: { type: 'string' },
  depth: { type: 'string' },
  top: { type: 'string' },
  prefix: { type: 'string' },
  type: { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
} as const;

const TYPES: readonly TypeName[] = ['string', 'list', 'hash', 'set', 'zset', 'stream'];

export interface AnalyzeCliOptions {
  path: string;
  format: 'text' | 'json' | 'csv';
  analysis: Omit<AnalyzeOptions, 'now'>;
}

export class AnalyzeStopped extends Error {}

export function parseAnalyzeArgs(rest: string[]): AnalyzeCliOptions {
  const { values: v, operand: path } = parseWithOperand('analyze', rest, ANALYZE_OPTIONS, 'PATH');
  if (v.json && v.csv) throw new UsageError('--json and --csv cannot be combined');
  if (v.separator === '') throw new UsageError('--separator cannot be empty');
  if (v.type !== undefined && !TYPES.includes(v.type as TypeName)) throw new UsageError(`--type must be one of ${TYPES.join(', ')}`);
  return {
    path,
    format: v.json ? 'json' : v.csv ? 'csv' : 'text',
    analysis: {
      separator: v.separator === undefined ? undefined : textToBin(v.separator),
      depth: intOption('depth', v.depth, 1, 64),
      top: intOption('top', v.top, 0, 100_000),
      prefix: v.prefix === undefined ? undefined : textToBin(v.prefix),
      type: v.type as TypeName | undefined,
      db: intOption('db', v.db, 0, 1_000_000),
    },
  };
}

function isRdb(path: string): boolean {
  return basename(path).endsWith('.rdb');
}

/** The analysis of PATH; Ctrl-C (through `stop`) ends an RDB's with AnalyzeStopped. */
export async function analyzePath(options: AnalyzeCliOptions, stop: { aborted: boolean }, progress: Progress): Promise<AnalysisReport> {
  let stat;
  try {
    stat = statSync(options.path);
  } catch {
    throw new Error(`${options.path}: no such file or directory`);
  }
  const analysis = { ...options.analysis, now: Date.now() };
  const store = stat.isFile() ? new NodeFsStore(dirname(options.path)) : null;
  const name = basename(options.path);
  const sniffed = store !== null && !isRdb(options.path) && !name.endsWith('.aof') && !name.endsWith('.manifest') && bytesToBin(await store.read(name, 0, 5)) === 'REDIS';
  if (store !== null && (isRdb(options.path) || sniffed)) {
    const total = stat.size;
    try {
      return await analyzeRdb(readChunks(store, name), {
        ...analysis,
        file: name,
        signal: stop,
        // The file is read synchronously: without a turn of the event loop, Ctrl-C would wait.
        breathe: () => new Promise((resolve) => setImmediate(resolve)),
        onProgress: (bytes) => progress.update(`analyze: ${(bytes / 2 ** 20).toFixed(0)} of ${(total / 2 ** 20).toFixed(0)} MiB (${total > 0 ? Math.floor((100 * bytes) / total) : 100}%)`),
      });
    } catch (e) {
      if (stop.aborted) throw new AnalyzeStopped(`stopped reading ${name}`);
      throw e;
    } finally {
      progress.clear();
    }
  }
  process.stderr.write('analyze: an AOF is replayed into memory first (a command may change any earlier key); only an RDB is analysed in constant memory\n');
  const engine = await loadPath(options.path, newerRdbLoad);
  return analyzeDataset(engine, analysis);
}

export function formatAnalysis(report: AnalysisReport, format: AnalyzeCliOptions['format']): string {
  return format === 'json' ? analysisJson(report) : format === 'csv' ? analysisCsv(report) : analysisText(report);
}
