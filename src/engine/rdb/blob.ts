// The header checks shared by listpack and ziplist blobs: a little-endian total length that
// must match the blob, and a 0xFF terminator.

/** A view of the blob, or why its header does not hold. */
export function checkedBlob(kind: string, blob: Uint8Array, headerBytes: number): DataView | string {
  return blobProblem(kind, blob, headerBytes) ?? new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
}

/**
 * Why the blob (bytes [start, end) of `blob`, all of it by default) has a bad header, or null
 * (no DataView: small collections load by the million).
 */
export function blobProblem(kind: string, blob: Uint8Array, headerBytes: number, start = 0, end = blob.length): string | null {
  const length = end - start;
  if (length < headerBytes + 1) return `${kind} of ${length} bytes is shorter than its header`;
  const total = (blob[start]! | (blob[start + 1]! << 8) | (blob[start + 2]! << 16) | (blob[start + 3]! << 24)) >>> 0;
  if (total !== length) return `${kind} header says ${total} bytes but the blob has ${length}`;
  if (blob[end - 1] !== 0xff) return `${kind} does not end with 0xFF`;
  return null;
}
