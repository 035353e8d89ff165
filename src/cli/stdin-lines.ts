// Lines of a byte stream as binary strings, split on "\n" only (a "\r" inside a line is data;
// a trailing one is dropped as Redis's inline reader does), without holding the whole input,
// in batches of what has arrived so a caller can answer each batch before waiting for more.
// Each chunk is searched once and a line's bytes are copied once, however long the line is.
import { type Bin } from '../engine/index.js';

/** The lines each chunk completes, as one batch per chunk (a chunk may complete none). */
export async function* binaryLineBatches(stream: AsyncIterable<Uint8Array | string>): AsyncGenerator<Bin[]> {
  // The pieces of the line being read: ends of earlier chunks that had no newline after them.
  let pieces: Buffer[] = [];
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lines: Bin[] = [];
    let start = 0;
    for (let newline = bytes.indexOf(0x0a); newline >= 0; newline = bytes.indexOf(0x0a, start)) {
      pieces.push(bytes.subarray(start, newline));
      lines.push(stripCr(latin1(pieces)));
      pieces = [];
      start = newline + 1;
    }
    if (start < bytes.length) pieces.push(bytes.subarray(start));
    if (lines.length > 0) yield lines;
  }
  if (pieces.length > 0) yield [stripCr(latin1(pieces))];
}

function latin1(pieces: readonly Buffer[]): Bin {
  return (pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces)).toString('latin1');
}

function stripCr(line: Bin): Bin {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
