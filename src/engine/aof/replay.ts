// Replays the RESP part of an AOF file into an engine, as Redis's loader does with its fake
// client: commands run with propagation off, MULTI blocks are applied at EXEC, an unfinished
// MULTI at the end is rolled back, and a torn tail is reported (and allowed only for the last
// file with aof-load-truncated yes) with the offset to truncate at.
import type { Engine } from '../engine.js';
import { AofCommandReader } from './command-reader.js';

import { LoadError, type Cancellation } from '../load-error.js';

export interface ReplayOptions {
  /** Only the last file of the manifest may be truncated. */
  isLastFile: boolean;
  /** aof-load-truncated. */
  loadTruncated: boolean;
  /** Offset in the file where the RESP part starts (after an RDB preamble). */
  startOffset?: number;
  onProgress?: (bytesDone: number) => void;
  signal?: Cancellation;
}

export interface ReplayResult {
  commands: number;
  /** Commands the engine answered with an error (Redis would have crashed or ignored them). */
  rejected: number;
  /** Set when the tail was torn: the file should be truncated to this size. */
  truncatedTo: number | null;
  /** Bytes of the tail that were dropped (file size − truncatedTo). */
  droppedBytes: number;
  /** Why the tail was dropped, for the log. */
  truncationReason: string | null;
}

export async function replayAof(engine: Engine, file: string, chunks: AsyncIterable<Uint8Array>, options: ReplayOptions): Promise<ReplayResult> {
  const reader = new AofCommandReader(options.startOffset ?? 0);
  const client = engine.createClient();
  client.obeys = true;
  let commands = 0;
  let rejected = 0;
  let validUpTo = options.startOffset ?? 0;
  let validBeforeMulti = validUpTo;
  let fileEnd = validUpTo;
  const wasLoading = engine.loading;
  engine.loading = true;
  try {
    const drain = (): 'more' | 'eof' | { truncatedAt: number } => {
      for (;;) {
        const result = reader.next();
        switch (result.kind) {
          case 'need-more':
            return 'more';
          case 'eof':
            return 'eof';
          case 'truncated':
            return { truncatedAt: result.offset };
          case 'format-error':
            throw new LoadError(file, result.offset, `Bad file format reading the append only file: ${result.reason}`);
          case 'command': {
            const resolved = engine.resolve(result.argv);
            if (typeof resolved === 'string' && resolved.startsWith('ERR unknown command')) {
              throw new LoadError(file, result.start, `Unknown command '${result.argv[0]}' reading the append only file`);
            }
            if (result.argv[0]!.toLowerCase() === 'multi' && !client.multi) validBeforeMulti = validUpTo;
            const reply = engine.execute(client, result.argv);
            if (reply.kind === 'error') rejected++;
            commands++;
            validUpTo = result.end;
          }
        }
      }
    };
    let outcome: ReturnType<typeof drain> = 'more';
    for await (const chunk of chunks) {
      if (options.signal?.aborted) throw new LoadError(file, reader.offset, 'loading cancelled');
      reader.push(chunk);
      fileEnd += chunk.length;
      outcome = drain();
      options.onProgress?.(reader.offset);
    }
    reader.finish();
    outcome = drain();
    let truncatedAt: number | null = typeof outcome === 'object' ? validUpTo : null;
    let reason = typeof outcome === 'object' ? 'short read: the file ends in the middle of a command' : null;
    if (client.multi) {
      client.multi = null;
      truncatedAt = validBeforeMulti;
      reason = 'Revert incomplete MULTI/EXEC transaction';
    }
    if (truncatedAt !== null) {
      if (!options.isLastFile) throw new LoadError(file, truncatedAt, 'Fatal error: the truncated file is not the last file');
      if (!options.loadTruncated) {
        throw new LoadError(file, truncatedAt, `Unexpected end of file reading the append only file (${reason}); set aof-load-truncated yes or repair it with redis-check-aof --fix`);
      }
    }
    return { commands, rejected, truncatedTo: truncatedAt, droppedBytes: truncatedAt === null ? 0 : fileEnd - truncatedAt, truncationReason: reason };
  } finally {
    engine.loading = wasLoading;
  }
}
