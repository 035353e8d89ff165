// The engine's SHA-1 (DEBUG DIGEST's hash) against Node's, on bytes and on Bin strings of every
// length around the block and padding boundaries, including hashing a buffer into itself.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha1Bin, sha1Bytes, toHex } from '../../src/engine/util/sha1.js';

const reference = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

describe('sha1', () => {
  it("equals node:crypto's for bytes and Bin strings", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const out = new Uint8Array(20);
        sha1Bytes(bytes, out);
        expect(toHex(out)).toBe(reference(bytes));
        sha1Bin(String.fromCharCode(...bytes), out);
        expect(toHex(out)).toBe(reference(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('hashes a 20-byte digest in place', () => {
    const digest = new Uint8Array(20).map((_, i) => i * 13);
    const expected = reference(digest);
    sha1Bytes(digest, digest);
    expect(toHex(digest)).toBe(expected);
  });
});
