// Lines of a byte stream as binary strings, split on "\n" only (a "\r" inside a line is data;
// a trailing one is dropped as Redis's inline reader does), without holding the whole input.
import { type Bin } from '../engine/index.js';

export async function* binaryLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Bin> {
  let pending = '';
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    let newline = pending.indexOf('\n');
    let start = 0;
    while (newline >= 0) {
      yield stripCr(pending.slice(start, newline));
      start = newline + 1;
      newline = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
  }
  if (pending.length > 0) yield stripCr(pending);
}

function stripCr(line: Bin): Bin {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
