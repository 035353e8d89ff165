// The CLI's stdin line reader: the same lines whatever the chunking, and a long line arriving in
// many chunks is searched for its newline once, not once per chunk (which took 309 s for 100 MB).
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { binaryLineBatches } from '../../src/cli/stdin-lines.js';

async function collect(chunks: readonly (Uint8Array | string)[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of binaryLineBatches((async function* () {
    yield* chunks;
  })())) lines.push(...batch);
  return lines;
}

describe('binaryLineBatches', () => {
  it('splits on \\n only, drops one trailing \\r, keeps every byte, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('a', '\n', '\r', '\x00', '\xff', ' '), { maxLength: 40 }), fc.array(fc.nat(40)), async (chars, cuts) => {
        const text = chars.join('');
        const points = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((from, i) => Buffer.from(text.slice(from, points[i] ?? text.length), 'latin1'));
        const expected = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
        if (text.endsWith('\n') || text === '') expected.pop();
        expect(await collect(chunks)).toEqual(expected);
      }),
    );
  });

  it('hands over the lines of each chunk as one batch', async () => {
    const batches: string[][] = [];
    for await (const batch of binaryLineBatches((async function* () {
      yield* ['a\nb\nc', 'd', '\r\n', 'e'];
    })())) batches.push(batch);
    expect(batches).toEqual([['a', 'b'], ['cd'], ['e']]);
  });

  it('looks at each byte of a long line once when it arrives in many chunks', async () => {
    const chunkSize = 64 * 1024;
    const chunks = Array.from({ length: 100 }, () => Buffer.alloc(chunkSize, 0x78));
    chunks.push(Buffer.from('\n'));
    // Every newline search, on strings or bytes, is metered by how far it had to look.
    let examined = 0;
    type Search = (this: { length: number }, ...args: unknown[]) => number;
    const meter = (search: Search): Search =>
      function (...args) {
        const from = typeof args[1] === 'number' ? Math.max(0, args[1]) : 0;
        const found = search.apply(this, args);
        examined += (found >= 0 ? found + 1 : this.length) - from;
        return found;
      };
    const metered = [String.prototype.indexOf, Uint8Array.prototype.indexOf, Buffer.prototype.indexOf].map((f) => meter(f as Search) as never);
    const spies = [
      vi.spyOn(String.prototype, 'indexOf').mockImplementation(metered[0]!),
      vi.spyOn(Uint8Array.prototype, 'indexOf').mockImplementation(metered[1]!),
      vi.spyOn(Buffer.prototype, 'indexOf').mockImplementation(metered[2]!),
    ];
    let lines: string[];
    try {
      lines = await collect(chunks);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(lines.map((l) => l.length)).toEqual([100 * chunkSize]);
    // A reader that searches the whole pending line again for each chunk looks ~50 times more.
    expect(examined).toBeLessThanOrEqual(2 * (100 * chunkSize + 1));
  });
});
