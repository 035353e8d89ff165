// A string value held the way Redis holds an sds it will not re-encode. INCRBYFLOAT's and COPY's
// values keep the encoding they were made with; "raw" ones are what SETBIT, BITFIELD, SETRANGE,
// APPEND and PFADD change in place. Those edit a growable byte buffer and the Bin the rest of the
// engine reads is built only when asked for, so a million SETBITs on a bitmap do not copy it a
// million times (Redis's sdsgrowzero + in-place byte write).
import { binToBytes, bytesToBin, type Bin } from '../bytes.js';

export class RawString {
  /** The bytes as a Bin; null after an in-place change until `value` is read again. */
  private text: Bin | null;
  /** The bytes for in-place changes (capacity ≥ size), made on the first edit or byte read. */
  private buffer: Uint8Array | null = null;
  private size: number;
  /** buffer[0, size), kept until either changes (PFADD reads it per element). */
  private view: Uint8Array | null = null;

  constructor(
    value: Bin,
    readonly encoding: 'raw' | 'embstr' | 'int' = 'raw',
  ) {
    this.text = value;
    this.size = value.length;
  }

  /** A raw string that takes over `bytes`. */
  static ofBytes(bytes: Uint8Array): RawString {
    const s = new RawString('');
    s.replace(bytes);
    return s;
  }

  get value(): Bin {
    this.text ??= bytesToBin(this.buffer!, 0, this.size);
    return this.text;
  }

  get length(): number {
    return this.size;
  }

  /** As String.prototype.charCodeAt, so string commands read either kind of value alike. */
  charCodeAt(index: number): number {
    if (this.text !== null) return this.text.charCodeAt(index);
    return index >= 0 && index < this.size ? this.buffer![index]! : NaN;
  }

  /** As String.prototype.slice with non-negative bounds. */
  slice(start: number, end: number = this.size): Bin {
    if (this.text !== null) return this.text.slice(start, end);
    return bytesToBin(this.buffer!, Math.min(start, this.size), Math.min(end, this.size));
  }

  /** The bytes, to read only; valid until the next change. */
  bytes(): Uint8Array {
    this.buffer ??= binToBytes(this.text!);
    this.view ??= this.buffer.subarray(0, this.size);
    return this.view;
  }

  /**
   * Sets the length as sdsIncrLen / sdsgrowzero do (new bytes zero, a 0 terminator after the
   * last) and returns the whole buffer to change in place.
   */
  resize(length: number): Uint8Array {
    const buffer = this.editable(length + 1);
    if (length > this.size) buffer.fill(0, this.size, length);
    buffer[length] = 0;
    if (length !== this.size) this.view = null;
    this.size = length;
    return buffer;
  }

  /** The buffer to change bytes in place without changing the length (or the terminator). */
  writable(): Uint8Array {
    return this.editable(this.size + 1);
  }

  /** Copies `s` over the bytes from `at` (within the length). */
  write(at: number, s: Bin): void {
    const buffer = this.writable();
    for (let i = 0; i < s.length; i++) buffer[at + i] = s.charCodeAt(i);
  }

  /**
   * The byte after the end, where an sds keeps its terminator. It is 0 unless a write went past
   * the end (Redis's sparse HLL code does that on a corrupt HLL, and reads it back).
   */
  byteAfterEnd(): number {
    return this.buffer?.[this.size] ?? 0;
  }

  /** The buffer with room for `capacity` bytes, the cached Bin dropped. */
  private editable(capacity: number): Uint8Array {
    if (this.encoding !== 'raw') throw new Error('only raw strings change in place');
    let buffer = this.buffer ?? binToBytes(this.text!);
    if (capacity > buffer.length) {
      // Doubling keeps a bitmap grown bit by bit linear, as sdsMakeRoomFor's greedy growth does.
      const grown = new Uint8Array(Math.max(capacity, Math.min(buffer.length * 2, buffer.length + (1 << 20))));
      grown.set(buffer.subarray(0, Math.min(buffer.length, this.size + 1)));
      buffer = grown;
      this.view = null;
    }
    this.buffer = buffer;
    this.text = null;
    return buffer;
  }

  /** Takes over `bytes` as the whole value. */
  replace(bytes: Uint8Array): void {
    this.buffer = bytes;
    this.size = bytes.length;
    this.text = null;
    this.view = null;
  }

  /** COPY's private duplicate, with the same encoding. */
  copy(): RawString {
    if (this.text !== null) return new RawString(this.text, this.encoding);
    return RawString.ofBytes(this.buffer!.slice(0, this.size));
  }
}
