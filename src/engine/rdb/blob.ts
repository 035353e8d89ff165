// The header checks shared by listpack and ziplist blobs: a little-endian total length that
// must match the blob, and a 0xFF terminator.

/** A view of the blob, or why its header does not hold. */
export function checkedBlob(kind: string, blob: Uint8Array, headerBytes: number): DataView | string {
  if (blob.length < headerBytes + 1) return `${kind} of ${blob.length} bytes is shorter than its header`;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const total = view.getUint32(0, true);
  if (total !== blob.length) return `${kind} header says ${total} bytes but the blob has ${blob.length}`;
  if (blob[blob.length - 1] !== 0xff) return `${kind} does not end with 0xFF`;
  return view;
}
