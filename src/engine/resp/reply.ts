// Replies as the engine produces them, independent of the wire protocol. Bulk strings are Bin.
import type { Bin } from '../bytes.js';

export type Reply =
  | { readonly kind: 'status'; readonly value: string }
  | { readonly kind: 'error'; readonly value: string }
  | { readonly kind: 'int'; readonly value: number | bigint }
  | { readonly kind: 'bulk'; readonly value: Bin | null }
  | { readonly kind: 'array'; readonly value: readonly Reply[] | null };

export const OK: Reply = Object.freeze({ kind: 'status', value: 'OK' });
export const QUEUED: Reply = Object.freeze({ kind: 'status', value: 'QUEUED' });
export const NIL: Reply = Object.freeze({ kind: 'bulk', value: null });
export const NIL_ARRAY: Reply = Object.freeze({ kind: 'array', value: null });
export const EMPTY_ARRAY: Reply = Object.freeze({ kind: 'array', value: Object.freeze([]) });
const ZERO: Reply = Object.freeze({ kind: 'int', value: 0 });
const ONE: Reply = Object.freeze({ kind: 'int', value: 1 });

export const status = (value: string): Reply => ({ kind: 'status', value });
/** `message` starts with the error code, e.g. "ERR syntax error" or "WRONGTYPE ...". */
export const error = (message: string): Reply => ({ kind: 'error', value: message });
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** Integers are numbers when exact, bigints beyond 2^53, so equal replies compare equal. */
export function int(value: number | bigint): Reply {
  if (typeof value === 'bigint' && value >= -MAX_SAFE && value <= MAX_SAFE) value = Number(value);
  return value === 0 ? ZERO : value === 1 ? ONE : { kind: 'int', value };
}
export const bulk = (value: Bin | null): Reply => (value === null ? NIL : { kind: 'bulk', value });
export const array = (value: readonly Reply[] | null): Reply => ({ kind: 'array', value });
export const bulkArray = (values: readonly (Bin | null)[]): Reply => array(values.map(bulk));

export function isError(reply: Reply): reply is { kind: 'error'; value: string } {
  return reply.kind === 'error';
}
