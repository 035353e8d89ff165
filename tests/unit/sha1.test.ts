// The engine's SHA-1 (DEBUG DIGEST hashes ~6 short inputs per key with it) equals Node's native
// SHA-1 on strings and bytes of every length around the block and padding boundaries, and
// when it hashes a buffer into itself, as the digest's mix step does.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha1Bin, sha1Bytes, toHex } from '../../src/engine/util/sha1.js';

const native = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');

describe('sha1', () => {
  it('equals node:crypto for every length from 0 to 200 bytes', () => {
    const out = new Uint8Array(20);
    for (let length = 0; length <= 200; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 151 + length) & 0xff);
      sha1Bytes(bytes, out);
      expect(toHex(out)).toBe(native(bytes));
      sha1Bin(String.fromCharCode(...bytes), out);
      expect(toHex(out)).toBe(native(bytes));
    }
  });

  it('equals node:crypto on random inputs, also when hashing a 20-byte buffer in place', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const out = new Uint8Array(20);
        sha1Bytes(bytes, out);
        expect(toHex(out)).toBe(native(bytes));
        const digest = Uint8Array.from(out);
        const expected = native(digest);
        sha1Bytes(digest, digest);
        expect(toHex(digest)).toBe(expected);
      }),
    );
  });
});
