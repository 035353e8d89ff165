// The header checks shared by listpack and ziplist blobs: a little-endian total length that
// must match the blob, and a 0xFF terminator.

/** A view of the blob, or why its header does not hold. */
export function checkedBlob(kind: string, blob: Uint8Array, headerBytes: number): DataView | string {
  return blobProblem(kind, blob, headerBytes) ?? new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
}

/** Why the blob's header does not hold, or null (no DataView: small collections load by the million). */
export function blobProblem(kind: string, blob: Uint8Array, headerBytes: number): string | null {
  if (blob.length < headerBytes + 1) return `${kind} of ${blob.length} bytes is shorter than its header`;
  const total = (blob[0]! | (blob[1]! << 8) | (blob[2]! << 16) | (blob[3]! << 24)) >>> 0;
  if (total !== blob.length) return `${kind} header says ${total} bytes but the blob has ${blob.length}`;
  if (blob[blob.length - 1] !== 0xff) return `${kind} does not end with 0xFF`;
  return null;
}
