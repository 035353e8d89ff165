// Differential testing against redis-server: the same command sequence runs on the lab's engine
// and on a real server; every reply (after per-command normalisation of what Redis leaves
// unordered or random) and the final DEBUG DIGEST must be identical.
import fc from 'fast-check';
import { datasetDigest } from '../../src/engine/digest.js';
import { Engine, type Client } from '../../src/engine/engine.js';
import { systemClock } from '../../src/engine/clock.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { RedisConnection, type RedisServer } from './redis-server.js';

/** Per-command treatment of a reply pair before comparison (lower-case command name). */
export interface CommandRule {
  /** Maps both replies to a comparable form, e.g. sorts an unordered array. */
  normalize?: (argv: readonly string[], reply: Reply) => Reply;
  /**
   * For commands whose effect is random (SPOP): checks the two replies for consistency and
   * makes the lab's state equal to redis's, e.g. by running corrective commands on `lab`.
   * Returns an error message if the replies are inconsistent.
   */
  reconcile?: (argv: readonly string[], redisReply: Reply, labReply: Reply, lab: LabHandle) => string | void;
  /**
   * True when, in the lab's current state, Redis's random choice may have side effects the lab
   * cannot mirror (RANDOMKEY deleting expired keys it happens to sample): the comparison of the
   * sequence ends there, as everything after it could differ for that reason alone.
   */
  unmirrorable?: (lab: LabHandle) => boolean;
}

export interface LabHandle {
  engine: Engine;
  client: Client;
  run(...argv: string[]): Reply;
}

export type Rules = Readonly<Record<string, CommandRule>>;

/** Keys shared by all generators, so commands of different types meet (WRONGTYPE included). */
export const KEYS = ['k1', 'k2', 'k3', 'key:with:colons', 'a\r\nb', 'nul\x00byte', 'caf\xc3\xa9', ''] as const;
export const keyArb = fc.constantFrom(...KEYS);

/** Small values that exercise integers, floats, binary bytes and listpack limits. */
export const valueArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('0', '1', '-1', '10', '007', '3.14', '-0', '+5', ' 1', '9223372036854775807', '-9223372036854775808', '1e3', 'inf', ''),
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.string({ maxLength: 8 }),
  fc.uint8Array({ maxLength: 6 }).map((b) => String.fromCharCode(...b)),
  fc.constantFrom('x'.repeat(65), 'y'.repeat(45), 'z'.repeat(21)),
);

/**
 * Counts at the edges of the random-element commands' ranges. None asks for a huge reply with
 * repeats from an existing key: redis-server would build it until it runs out of memory.
 */
export const HUGE_COUNTS = ['9223372036854775807', '-9223372036854775808', '9223372036854775808'];
/** Around LONG_MAX / 2, the bound for WITHVALUES / WITHSCORES (only the positive side is safe). */
export const HUGE_PAIR_COUNTS = ['4611686018427387903', '4611686018427387904', '-4611686018427387904', '-9223372036854775807'];

export function sortArray(reply: Reply): Reply {
  if (reply.kind !== 'array' || !reply.value) return reply;
  return { kind: 'array', value: [...reply.value].sort((a, b) => compareKey(a, b)) };
}

/** Sorts a flat [k1, v1, k2, v2 …] reply by pairs (HGETALL, ZRANGE … WITHSCORES of ties). */
export function sortPairs(reply: Reply): Reply {
  if (reply.kind !== 'array' || !reply.value) return reply;
  const pairs: Reply[][] = [];
  for (let i = 0; i < reply.value.length; i += 2) pairs.push([reply.value[i]!, reply.value[i + 1]!]);
  pairs.sort((a, b) => compareKey(a[0]!, b[0]!));
  return { kind: 'array', value: pairs.flat() };
}

/**
 * SCAN-family replies. Redis's cursor is a position in its hash table (seeded at random when the
 * server starts), the lab's a position in its own order, so one call of an incomplete scan may
 * return different elements on each side. What must hold: errors are the same; every element
 * either side returns is in the collection with that value; a side that says it is done
 * (cursor 0) returned all of it; when both are done, they returned the same elements.
 */
export function scanElements(pairs: boolean): CommandRule['reconcile'] {
  return (argv, redisReply, labReply, lab) => {
    if (redisReply.kind !== 'array' || labReply.kind !== 'array') {
      return sameReply(redisReply, labReply) ? undefined : `redis ${describeReply(redisReply)}, lab ${describeReply(labReply)}`;
    }
    const elementsOf = (reply: Reply): Reply => (reply.kind === 'array' && reply.value?.[1]) || { kind: 'array', value: [] };
    const cursorOf = (reply: Reply): string => (reply.kind === 'array' && reply.value?.[0]?.kind === 'bulk' ? reply.value[0].value ?? '' : '');
    const sorted = (reply: Reply): Reply => (pairs ? sortPairs(reply) : sortArray(reply));
    if (cursorOf(redisReply) === '0' && cursorOf(labReply) === '0') {
      return sameReply(sorted(elementsOf(redisReply)), sorted(elementsOf(labReply))) ? undefined : `both done with different elements: redis ${describeReply(redisReply)}, lab ${describeReply(labReply)}`;
    }
    // Only for an incomplete scan: the extra call could expire keys the partial one did not visit.
    const complete = lab.run(...fullScan(argv));
    const all = sorted(elementsOf(complete));
    const members = new Set(groups(all, pairs).map(describeReply));
    for (const [side, reply] of [['redis', redisReply], ['lab', labReply]] as const) {
      const items = groups(elementsOf(reply), pairs).map(describeReply);
      const stray = items.find((item) => !members.has(item));
      if (stray) return `${side} returned ${stray}, which the collection does not hold`;
      if (cursorOf(reply) === '0' && !sameReply(sorted(elementsOf(reply)), all)) return `${side} said the scan was done but returned ${describeReply(elementsOf(reply))}`;
    }
  };
}

/** The same scan asked to return everything in one call (COUNT replaced by a huge one). */
function fullScan(argv: readonly string[]): string[] {
  const cursorAt = argv[0]!.toLowerCase() === 'scan' ? 1 : 2;
  const out = argv.slice(0, cursorAt + 1);
  for (let i = cursorAt + 1; i < argv.length; i += 2) {
    if (argv[i]!.toLowerCase() !== 'count') out.push(...argv.slice(i, i + 2));
  }
  out.push('COUNT', '1000000000');
  return out;
}

/** Elements of a scan reply, one entry per element (or field-value pair). */
function groups(reply: Reply, pairs: boolean): Reply[] {
  if (reply.kind !== 'array' || !reply.value) return [];
  if (!pairs) return [...reply.value];
  const out: Reply[] = [];
  for (let i = 0; i < reply.value.length; i += 2) out.push({ kind: 'array', value: reply.value.slice(i, i + 2) });
  return out;
}

function compareKey(a: Reply, b: Reply): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function describeReply(reply: Reply | undefined): string {
  return JSON.stringify(reply, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** Structural equality (big replies such as PFDEBUG GETREG's 16384 integers compare fast). */
function sameReply(a: Reply, b: Reply): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind !== 'array' || b.kind !== 'array') return a.value === b.value;
  if (a.value === null || b.value === null) return a.value === b.value;
  if (a.value.length !== b.value.length) return false;
  return a.value.every((item, i) => sameReply(item, b.value![i]!));
}

export interface DifferentialResult {
  ok: boolean;
  message: string;
}

/** A command sent by another connection than the first (WATCH needs a second client). */
export interface ClientCommand {
  readonly client: number;
  readonly argv: readonly string[];
}

export type Step = readonly string[] | ClientCommand;

/** Configuration generators may change, set back to redis's defaults before every run. */
export const RESET_CONFIG: readonly (readonly [string, string])[] = [
  ['maxmemory', '0'],
  ['maxmemory-policy', 'noeviction'],
  ['maxmemory-samples', '5'],
  ['lfu-log-factor', '10'],
  ['lfu-decay-time', '1'],
  ['hash-max-listpack-entries', '512'],
  ['hash-max-listpack-value', '64'],
  ['set-max-intset-entries', '512'],
  ['zset-max-listpack-entries', '128'],
  ['zset-max-listpack-value', '64'],
  ['list-max-listpack-size', '-2'],
  ['list-compress-depth', '0'],
  ['rdbcompression', 'yes'],
  ['lazyfree-lazy-eviction', 'no'],
  ['lazyfree-lazy-expire', 'no'],
];

function asClientCommand(step: Step): ClientCommand {
  return 'client' in step ? step : { client: 0, argv: step as readonly string[] };
}

/**
 * Runs `commands` on a fresh engine and on `server` (flushed first) and compares. The returned
 * message names the first differing command with both replies, or the digests. Steps of other
 * clients go through connections of their own.
 */
export async function runDifferential(
  server: RedisServer,
  sequence: readonly Step[],
  rules: Rules = {},
): Promise<DifferentialResult> {
  const steps = withoutQueuedRandomness(sequence.map(asClientCommand), rules);
  const clientCount = Math.max(1, ...steps.map((s) => s.client + 1));
  // A failed run may have left the connection inside MULTI or watching keys.
  // Active expiry runs on redis's own timer; off, so logically expired keys stay as in the lab.
  await server.pipeline([['DISCARD'], ['UNWATCH'], ['CONFIG', 'SET', ...RESET_CONFIG.flat()], ['CONFIG', 'RESETSTAT'], ['SELECT', '0'], ['FLUSHALL'], ['DEBUG', 'SET-ACTIVE-EXPIRE', '0']]);
  const extra = await Promise.all(Array.from({ length: clientCount - 1 }, () => RedisConnection.open(server.port)));
  try {
    const engine = new Engine({ clock: systemClock });
    const clients = Array.from({ length: clientCount }, () => engine.createClient());
    const lab: LabHandle = { engine, client: clients[0]!, run: (...argv) => engine.execute(clients[0]!, argv) };
    // Plain commands go to redis all at once; replies are still compared one command at a time,
    // so a reconcile hook can fix the lab's state before the next command. Steps naming their
    // client are sent one by one, and the lab runs each after redis answered it (same timing).
    const oneByOne = sequence.some((s) => 'client' in s);
    const pipelined = oneByOne ? null : await server.pipeline(steps.map((s) => s.argv));
    const connections = [server.connection, ...extra];
    const queued: ((readonly string[])[] | null)[] = clients.map(() => null);
    for (let i = 0; i < steps.length; i++) {
      const { client: c, argv } = steps[i]!;
      const client = clients[c]!;
      const name = argv[0]!.toLowerCase();
      const rule = rules[name];
      if (rule?.unmirrorable?.(lab)) return { ok: true, message: `stopped at #${i}: ${describeCommand(argv)} may have side effects the lab cannot mirror` };
      const redisReply = pipelined ? pipelined[i]! : (await connections[c]!.pipeline([argv]))[0]!;
      const labReply = engine.execute(client, argv);
      if (rule?.reconcile) {
        const problem = rule.reconcile(argv, redisReply, labReply, { ...lab, client, run: (...a) => engine.execute(client, a) });
        if (problem) return { ok: false, message: `#${i} ${describeStep(steps[i]!)}: ${problem}\n  sequence: ${steps.slice(0, i + 1).map(describeStep).join(' ; ')}` };
        continue;
      }
      const open = queued[c]!;
      const norm = name === 'exec' && open ? execNormalizer(open, rules) : normalizerFor(argv, rules);
      if (!sameReply(norm(argv, redisReply), norm(argv, labReply))) {
        return {
          ok: false,
          message:
            `#${i} ${describeStep(steps[i]!)}\n  redis: ${describeReply(redisReply)}\n  lab:   ${describeReply(labReply)}\n` +
            `  sequence: ${steps.slice(0, i + 1).map(describeStep).join(' ; ')}`,
        };
      }
      if (name === 'multi' && labReply.kind === 'status') queued[c] = [];
      else if ((name === 'exec' || name === 'discard') && client.multi === null) queued[c] = null;
      else if (open && labReply.kind === 'status' && labReply.value === 'QUEUED') open.push(argv);
    }
    return await compareDigests(server, engine, clients[0]!, steps);
  } finally {
    for (const connection of extra) connection.close();
  }
}

async function compareDigests(server: RedisServer, engine: Engine, client: Client, steps: readonly ClientCommand[]): Promise<DifferentialResult> {
  // Leave any open transaction so DEBUG DIGEST is not queued. The lab runs the same two commands
  // first: with maxmemory set, each evicts before it runs, on both sides.
  const [, redisDigest] = await server.pipeline([['DISCARD'], ['DEBUG', 'DIGEST']]);
  engine.execute(client, ['DISCARD']);
  engine.execute(client, ['DEBUG', 'DIGEST']);
  const labDigest = datasetDigest(engine);
  if (redisDigest?.kind !== 'status' || redisDigest.value !== labDigest) {
    return {
      ok: false,
      message: `digest differs: redis ${describeReply(redisDigest)} lab ${labDigest}\n  sequence: ${steps.map(describeStep).join(' ; ')}`,
    };
  }
  return { ok: true, message: '' };
}

type Normalizer = (argv: readonly string[], reply: Reply) => Reply;

function normalizerFor(argv: readonly string[], rules: Rules): Normalizer {
  return rules[argv[0]!.toLowerCase()]?.normalize ?? ((_, reply) => reply);
}

/** EXEC's replies are those of the queued commands, each normalised by its own rule. */
function execNormalizer(queued: readonly (readonly string[])[], rules: Rules): Normalizer {
  return (_, reply) => {
    if (reply.kind !== 'array' || !reply.value || reply.value.length !== queued.length) return reply;
    return { kind: 'array', value: reply.value.map((inner, j) => normalizerFor(queued[j]!, rules)(queued[j]!, inner)) };
  };
}

/**
 * Commands with random results (SPOP …) are reconciled one by one; inside MULTI their effect
 * would only be visible at EXEC, too late to reconcile, so they are left out of transactions.
 */
function withoutQueuedRandomness(sequence: readonly ClientCommand[], rules: Rules): ClientCommand[] {
  const inMulti = new Set<number>();
  const out: ClientCommand[] = [];
  for (const step of sequence) {
    const name = step.argv[0]!.toLowerCase();
    if (inMulti.has(step.client) && rules[name]?.reconcile) continue;
    if (name === 'multi') inMulti.add(step.client);
    else if (name === 'exec' || name === 'discard') inMulti.delete(step.client);
    out.push(step);
  }
  return out;
}

export function describeCommand(argv: readonly string[]): string {
  return argv.map((a) => JSON.stringify(a)).join(' ');
}

function describeStep(step: ClientCommand): string {
  return step.client === 0 ? describeCommand(step.argv) : `[client ${step.client + 1}] ${describeCommand(step.argv)}`;
}

/** fast-check property: sequences from `commandArb` behave identically on both sides. */
export async function assertDifferential(
  server: RedisServer,
  commandArb: fc.Arbitrary<Step>,
  options: { runs: number; minLength?: number; maxLength?: number; rules?: Rules; seed?: number },
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.array(commandArb, { minLength: options.minLength ?? 10, maxLength: options.maxLength ?? 60 }),
      async (commands) => {
        const result = await runDifferential(server, commands, options.rules);
        if (!result.ok) throw new Error(result.message);
      },
    ),
    { numRuns: options.runs, ...(options.seed === undefined ? {} : { seed: options.seed }) },
  );
}
