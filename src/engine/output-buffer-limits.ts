// client-output-buffer-limit: "<class> <hard> <soft> <soft-seconds>" groups for the normal,
// replica and pubsub clients, parsed, validated and merged as redis-server 7.0 does (config.c
// updateClientOutputBufferLimit): a setting changes only the classes it names.
import { parseMemory } from './config.js';

export type ClientClass = 'normal' | 'slave' | 'pubsub';

export interface OutputBufferLimit {
  /** Bytes; the client is closed at once when its pending output reaches it (0: no limit). */
  readonly hard: number;
  /** Bytes; the client is closed when its output stays at or above it for `softSeconds`. */
  readonly soft: number;
  readonly softSeconds: number;
}

export type OutputBufferLimits = Readonly<Record<ClientClass, OutputBufferLimit>>;

const CLASS_NAMES: Readonly<Record<string, ClientClass>> = { normal: 'normal', slave: 'slave', replica: 'slave', pubsub: 'pubsub' };
const CLASS_ORDER: readonly ClientClass[] = ['normal', 'slave', 'pubsub'];

/** The limits `text` sets (only the classes it names), or Redis's reason it is invalid. */
function parseGroups(text: string): Partial<Record<ClientClass, OutputBufferLimit>> | string {
  const args = text.split(' ').filter((a) => a !== '');
  if (args.length % 4 !== 0) return 'Wrong number of arguments in buffer limit configuration.';
  const out: Partial<Record<ClientClass, OutputBufferLimit>> = {};
  for (let i = 0; i < args.length; i += 4) {
    const cls = CLASS_NAMES[args[i]!.toLowerCase()];
    if (!cls) return 'Invalid client class specified in buffer limit configuration.';
    const hard = parseMemory(args[i + 1]!);
    const soft = parseMemory(args[i + 2]!);
    const seconds = args[i + 3]!;
    if (hard === null || soft === null || !/^[+-]?\d+$/.test(seconds) || Number(seconds) < 0) {
      return 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';
    }
    out[cls] = { hard, soft, softSeconds: Number(seconds) };
  }
  return out;
}

/** The limits of a complete setting, as CONFIG GET shows it (every class named). */
export function parseOutputBufferLimits(canonical: string): OutputBufferLimits {
  const groups = parseGroups(canonical);
  if (typeof groups === 'string' || !groups.normal || !groups.slave || !groups.pubsub) throw new Error(`incomplete client-output-buffer-limit '${canonical}'`);
  return groups as OutputBufferLimits;
}

/** The canonical text after applying `update` to `current`, or the reason `update` is invalid. */
export function mergeOutputBufferLimits(current: string, update: string): { ok: true; value: string } | { ok: false; reason: string } {
  const changes = parseGroups(update);
  if (typeof changes === 'string') return { ok: false, reason: changes };
  const limits = { ...parseOutputBufferLimits(current), ...changes };
  return { ok: true, value: CLASS_ORDER.map((c) => `${c} ${limits[c].hard} ${limits[c].soft} ${limits[c].softSeconds}`).join(' ') };
}
