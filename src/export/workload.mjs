#!/usr/bin/env node
// @ts-check
// Replays a Persistence Lab scenario's seeded workload against a real redis-server on the wall
// clock — the same writes at the same instants, on the same number of connections with the same
// pipeline depth — and records every acknowledgement, so what survives a crash can be judged.
// Standalone on purpose (Node 18+, no packages): it travels in the lab's export folder. Its
// generator is a copy of the lab's (src/sim/workload.ts, src/engine/clock.ts); a test holds the
// two equal write for write.
//
//   node workload.mjs [--host 127.0.0.1] [--port 6379] [--scenario scenario.json] [--seed N]
//                     [--acks acks.ndjson] [--monitor monitor.log | --no-monitor]
//                     [--crash-at MS] [--kill-pid PID ...] [--crash-command CMD] [--shutdown]
//   node workload.mjs --print N        the first N writes, one JSON line each, without a server
//   node workload.mjs --options-on-stdin [...]   the rest of the options as one JSON array line
//                                      on stdin (verify-real starts the script before the server,
//                                      so Node's start-up does not delay the workload's)
//
// At the crash instant it stops sending and then: --kill-pid sends SIGKILL to each PID (a
// process crash), --crash-command runs a shell command (e.g. a kill plus LazyFS's clear-cache
// for a power loss), --shutdown sends SHUTDOWN (a clean stop); with none of them the server
// keeps running and the replies still due are awaited.
//
// acks.ndjson, one JSON value a line: {"start":…} (the connections' local ports, the clock),
// then [seq, ms] per acknowledged write ([seq, ms, "error"] for an error reply; seq counts the
// workload's writes from 1, ms since the start), {"event":…} per scenario event, {"crash":…},
// and {"end":…} with the writes sent but never answered. monitor.log is the server's MONITOR
// stream: the order in which the server really ran the writes of all connections.
import { exec } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { parseArgs } from 'node:util';

// ---- The lab's seeded workload (keep in step with src/sim/workload.ts) ----

/** xoshiro128**, seeded as the lab seeds it. @param {number} seed */
function seededRng(seed) {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b);
  let c = 0xb7e15162 ^ Math.imul(seed, 0xc2b2ae35);
  let d = 0x12345678 ^ (seed >>> 3);
  /** @param {number} x @param {number} k */
  const rotl = (x, k) => (x << k) | (x >>> (32 - k));
  const next = () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

/** An integer in [0, bound). @param {() => number} rng @param {number} bound */
function randomBelow(rng, bound) {
  if (bound <= 0x100000000) return Math.floor((rng() / 0x100000000) * bound);
  return Math.floor(((rng() * 0x100000000 + rng()) / 2 ** 64) * bound);
}

const KINDS = /** @type {const} */ (['set', 'incr', 'list', 'hash', 'sadd', 'zadd', 'del']);
const PREFIX = { set: 'str', incr: 'counter', list: 'list', hash: 'hash', sadd: 'set', zadd: 'zset', del: 'str' };

/**
 * The workload's writes in order, each with its instant (ms from the start) and connection.
 * @param {any} workload the scenario's `workload`
 * @param {number} seed the scenario's seed
 */
function* arrivals(workload, seed) {
  const rng = seededRng(seed ^ 0x5eed);
  const weights = KINDS.map((k) => workload.mix[k] ?? 0);
  const total = weights.reduce((x, y) => x + y, 0);
  /** @type {Float64Array | null} */
  let cdf = null;
  if (workload.distribution === 'zipf') {
    cdf = new Float64Array(workload.keys);
    let sum = 0;
    for (let i = 0; i < workload.keys; i++) cdf[i] = sum += 1 / (i + 1);
    for (let i = 0; i < workload.keys; i++) cdf[i] = /** @type {number} */ (cdf[i]) / sum;
  }
  const keyIndex = () => {
    if (!cdf) return randomBelow(rng, workload.keys);
    const u = rng() / 0x100000000;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (/** @type {number} */ (cdf[mid]) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const gap = () => (workload.rate <= 0 ? Infinity : (-Math.log((rng() + 1) / 0x100000001) * 1000) / workload.rate);
  const clients = workload.clients ?? 50;
  let at = gap();
  for (let seq = 1; at < Infinity; seq++) {
    let pick = randomBelow(rng, total);
    /** @type {typeof KINDS[number]} */
    let kind = 'set';
    for (let i = 0; i < KINDS.length; i++) {
      if (pick < /** @type {number} */ (weights[i])) {
        kind = /** @type {typeof KINDS[number]} */ (KINDS[i]);
        break;
      }
      pick -= /** @type {number} */ (weights[i]);
    }
    const key = `${PREFIX[kind]}:${keyIndex()}`;
    /** @type {string[]} */
    let argv;
    if (kind === 'set') {
      const head = `v${seq}:`;
      argv = ['SET', key, head.length >= workload.valueSize ? head : head + 'x'.repeat(workload.valueSize - head.length)];
    } else if (kind === 'incr') argv = ['INCR', key];
    else if (kind === 'list') argv = ['RPUSH', key, `v${seq}`];
    else if (kind === 'hash') argv = ['HSET', key, `f${seq % 16}`, `v${seq}`];
    else if (kind === 'sadd') argv = ['SADD', key, `m${seq}`];
    else if (kind === 'zadd') argv = ['ZADD', key, String(seq), `m${seq % 32}`];
    else argv = ['DEL', key];
    yield { seq, at, client: (seq - 1) % clients, argv };
    at += gap();
  }
}

// ---- RESP over a socket ----

/** @param {readonly string[]} argv */
function encode(argv) {
  let out = `*${argv.length}\r\n`;
  for (const arg of argv) out += `$${Buffer.byteLength(arg, 'latin1')}\r\n${arg}\r\n`;
  return Buffer.from(out, 'latin1');
}

/**
 * @typedef {string | number | null | { error: string } | unknown[]} Reply
 * @param {Buffer} buf @param {number} at
 * @returns {{ value: Reply, end: number } | null}
 */
function parseReply(buf, at) {
  const eol = buf.indexOf('\r\n', at, 'latin1');
  if (eol < 0) return null;
  const text = buf.toString('latin1', at + 1, eol);
  switch (buf[at]) {
    case 0x2b: // +
      return { value: text, end: eol + 2 };
    case 0x2d: // -
      return { value: { error: text }, end: eol + 2 };
    case 0x3a: // :
      return { value: Number(text), end: eol + 2 };
    case 0x24: {
      // $
      const length = Number(text);
      if (length < 0) return { value: null, end: eol + 2 };
      if (buf.length < eol + 2 + length + 2) return null;
      return { value: buf.toString('latin1', eol + 2, eol + 2 + length), end: eol + 4 + length };
    }
    case 0x2a: {
      // *
      const items = [];
      let end = eol + 2;
      for (let i = 0; i < Number(text); i++) {
        const item = parseReply(buf, end);
        if (!item) return null;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      throw new Error(`unexpected reply from the server: ${JSON.stringify(text.slice(0, 40))}`);
  }
}

/** A connection whose replies arrive in order to `onReply`. */
class Connection {
  /** @param {Socket} socket @param {(reply: Reply) => void} onReply */
  constructor(socket, onReply) {
    this.socket = socket;
    /** @type {Buffer} */
    this.pending = Buffer.alloc(0);
    this.closed = new Promise((resolve) => socket.once('close', resolve));
    socket.on('data', (chunk) => {
      let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
      let at = 0;
      for (let r = parseReply(buf, at); r; r = parseReply(buf, at)) {
        at = r.end;
        onReply(r.value);
      }
      this.pending = buf.subarray(at);
    });
    // A server killed on purpose resets its connections: that is the crash, not a failure.
    socket.on('error', () => undefined);
  }

  /** @param {string} host @param {number} port @param {(reply: Reply) => void} onReply */
  static open(host, port, onReply) {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      socket.once('error', reject);
      socket.connect(port, host, () => {
        socket.off('error', reject);
        socket.setNoDelay(true);
        resolve(new Connection(socket, onReply));
      });
    });
  }

  /** @param {readonly string[]} argv */
  send(argv) {
    if (!this.socket.destroyed) this.socket.write(encode(argv));
  }
}

/** A connection for one command at a time (events, MONITOR). */
async function commandConnection(/** @type {string} */ host, /** @type {number} */ port) {
  /** @type {((reply: Reply) => void)[]} */
  const waiting = [];
  /** @type {((reply: Reply) => void) | null} */
  let stream = null;
  const connection = await Connection.open(host, port, (reply) => (waiting.shift() ?? stream)?.(reply));
  return {
    connection,
    /** @param {string[]} argv @returns {Promise<Reply>} */
    command: (argv) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        connection.send(argv);
        connection.closed.then(() => resolve({ error: 'the connection closed' }));
      }),
    /** Replies beyond the awaited ones (MONITOR's lines). @param {(reply: Reply) => void} handler */
    onStream: (handler) => (stream = handler),
  };
}

/** @param {Reply} reply */
const replyText = (reply) => (reply !== null && typeof reply === 'object' && 'error' in reply ? reply.error : JSON.stringify(reply));
/** @param {Reply} reply */
const isError = (reply) => reply !== null && typeof reply === 'object' && !Array.isArray(reply) && 'error' in reply;

// ---- The run ----

/** The first line of stdin. */
async function stdinLine() {
  let text = '';
  for await (const chunk of process.stdin) {
    text += chunk.toString('utf8');
    if (text.includes('\n')) break;
  }
  return text.split('\n')[0] ?? '';
}

const cliArgs = process.argv.slice(2);
const fromStdin = cliArgs.includes('--options-on-stdin') ? JSON.parse(await stdinLine()) : [];
const { values: options } = parseArgs({
  args: [...cliArgs.filter((arg) => arg !== '--options-on-stdin'), ...fromStdin],
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '6379' },
    scenario: { type: 'string' },
    seed: { type: 'string' },
    acks: { type: 'string', default: 'acks.ndjson' },
    monitor: { type: 'string', default: 'monitor.log' },
    'no-monitor': { type: 'boolean', default: false },
    'crash-at': { type: 'string' },
    'kill-pid': { type: 'string', multiple: true, default: [] },
    'crash-command': { type: 'string' },
    shutdown: { type: 'boolean', default: false },
    print: { type: 'string' },
  },
  strict: true,
});

const scenarioPath = options.scenario ?? new URL('./scenario.json', import.meta.url);
const scenario = JSON.parse(readFileSync(scenarioPath, 'utf8'));
const seed = options.seed === undefined ? scenario.seed : Number(options.seed);
const crashEvent = scenario.events.find((/** @type {any} */ e) => e.kind === 'crash');
const crashAt = Math.min(options['crash-at'] !== undefined ? Number(options['crash-at']) : crashEvent ? crashEvent.at : scenario.durationMs, scenario.durationMs);

if (options.print !== undefined) {
  let out = '';
  let left = Number(options.print);
  for (const write of arrivals(scenario.workload, seed)) {
    if (left-- <= 0) break;
    out += `${JSON.stringify(write)}\n`;
  }
  process.stdout.write(out);
} else await replay();

async function replay() {

  const host = options.host;
  const port = Number(options.port);
  const clients = scenario.workload.clients ?? 50;
  const pipeline = scenario.workload.pipeline ?? 1;
  const log = createWriteStream(options.acks);
  /** @param {unknown} value */
  const record = (value) => log.write(`${JSON.stringify(value)}\n`);

  let now = () => 0;
  /** Per connection: the seqs sent and not yet answered, oldest first. */
  const inFlight = Array.from({ length: clients }, () => /** @type {number[]} */ ([]));
  /** Per connection: writes that arrived while its pipeline was full. */
  const queued = Array.from({ length: clients }, () => /** @type {{ seq: number, argv: string[] }[]} */ ([]));
  let sent = 0;
  let acked = 0;

  const connections = await Promise.all(
    Array.from({ length: clients }, (_, c) =>
      Connection.open(host, port, (reply) => {
        const seq = inFlight[c]?.shift();
        if (seq === undefined) return;
        acked++;
        record(isError(reply) ? [seq, round(now()), replyText(reply)] : [seq, round(now())]);
        const next = queued[c]?.shift();
        if (next) send(c, next.seq, next.argv);
      }),
    ),
  );
  const admin = await commandConnection(host, port);
  /** @type {Connection | null} */
  let monitor = null;
  if (!options['no-monitor']) {
    const out = createWriteStream(options.monitor);
    const m = await commandConnection(host, port);
    const ok = await m.command(['MONITOR']);
    if (isError(ok)) throw new Error(`MONITOR was refused: ${replyText(ok)} (use --no-monitor)`);
    m.onStream((line) => out.write(`${line}\n`));
    m.connection.closed.then(() => out.end());
    monitor = m.connection;
  }

  /** @param {number} ms */
  function round(ms) {
    return Math.round(ms * 1000) / 1000;
  }

  /** @param {number} c @param {number} seq @param {string[]} argv */
  function send(c, seq, argv) {
    inFlight[c]?.push(seq);
    sent++;
    connections[c]?.send(argv);
  }

  const events = scenario.events.filter((/** @type {any} */ e) => e.kind !== 'crash' && e.at <= crashAt);
  const writes = arrivals(scenario.workload, seed);
  let upcoming = writes.next();
  let latest = 0;
  const started = performance.now();
  now = () => performance.now() - started;
  record({ start: { epochMs: Date.now(), host, port, seed, clients, pipeline, crashAtMs: crashAt, ports: connections.map((c) => c.socket.localPort), monitorPort: monitor?.socket.localPort ?? null } });

  /** @param {any} event */
  async function fire(event) {
    const at = round(now());
    if (event.kind === 'config') {
      // CONFIG SET acts now; CONFIG REWRITE keeps it in redis.conf for the restart, as the lab does.
      const argv = ['CONFIG', 'SET', ...splitDirective(event.directive)];
      const set = await admin.command(argv);
      const rewrite = isError(set) ? null : await admin.command(['CONFIG', 'REWRITE']);
      record({ event: { kind: 'config', directive: event.directive, at, reply: replyText(set), rewrite: rewrite === null ? null : replyText(rewrite) } });
    } else {
      const reply = await admin.command([event.kind.toUpperCase()]);
      record({ event: { kind: event.kind, at, reply: replyText(reply) } });
    }
  }

  /** redis.conf's quoting: `save "5 1"` is two arguments. @param {string} line */
  function splitDirective(line) {
    return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : /** @type {string} */ (m[2])));
  }

  await new Promise((/** @type {(v?: unknown) => void} */ resolve) => {
    const tick = () => {
      const t = now();
      while (!upcoming.done && upcoming.value.at <= Math.min(t, crashAt)) {
        const { seq, client, argv } = upcoming.value;
        latest = Math.max(latest, t - upcoming.value.at);
        if ((inFlight[client]?.length ?? 0) < pipeline) send(client, seq, argv);
        else queued[client]?.push({ seq, argv });
        upcoming = writes.next();
      }
      while (events.length > 0 && events[0].at <= t) void fire(events.shift());
      if (t >= crashAt) return resolve();
      const due = Math.min(upcoming.done ? Infinity : upcoming.value.at, events[0]?.at ?? Infinity, crashAt);
      setTimeout(tick, Math.max(0, due - now()));
    };
    tick();
  });

  // The crash instant.
  const crashActions = [];
  for (const pid of options['kill-pid']) {
    process.kill(Number(pid), 'SIGKILL');
    crashActions.push(`kill -9 ${pid}`);
  }
  const killedAt = round(now());
  if (options['crash-command']) {
    const command = options['crash-command'];
    await new Promise((resolve) => exec(command, (error, stdout, stderr) => resolve(process.stderr.write(`${stdout}${stderr}${error ? `${error.message}\n` : ''}`))));
    crashActions.push(command);
  }
  if (options.shutdown) {
    admin.connection.send(['SHUTDOWN']);
    crashActions.push('SHUTDOWN');
  }
  record({ crash: { at: killedAt, actions: crashActions, lateMs: round(latest) } });

  // Replies still due: they arrive (no crash), or the connections close (the server is gone).
  const quiet = Date.now() + (crashActions.length > 0 ? 2_000 : 30_000);
  const waiting = () => inFlight.some((seqs) => seqs.length > 0) && connections.some((c) => !c.socket.closed);
  while (waiting() && Date.now() < quiet) await new Promise((r) => setTimeout(r, 10));
  const unanswered = inFlight.flat().sort((x, y) => x - y);
  record({ end: { at: round(now()), sent, acknowledged: acked, unanswered, neverSent: queued.reduce((n, q) => n + q.length, 0) } });
  for (const c of [...connections, admin.connection, ...(monitor ? [monitor] : [])]) c.socket.destroy();
  await new Promise((resolve) => log.end(resolve));
  process.stderr.write(`${sent.toLocaleString('en-US')} writes sent, ${acked.toLocaleString('en-US')} acknowledged, ${unanswered.length} unanswered; ${crashActions.length > 0 ? `crash at ${killedAt} ms (${crashActions.join('; ')})` : `stopped at ${killedAt} ms`}; acknowledgements in ${options.acks}\n`);
  process.exit(0);
}
