// Replication between two engine workers over a MessagePort: the primary answers PSYNC and
// streams its commands; the replica applies them (after an optional link delay), refuses
// client writes as a read-only replica does, and can be promoted when the primary is gone.
import { command, ERR, fail, int, parseIntArg, Replica, ReplicationPrimary, seededRng, status, type Bin, type CommandSpec, type PersistentServer, type PsyncReply } from '../engine/index.js';

type LinkMessage = { type: 'psync'; replid: string; offset: number } | { type: 'psync-reply'; reply: PsyncReply } | { type: 'stream'; bytes: Bin } | { type: 'bye' } | { type: 'ack'; offset: number };

const READONLY = "READONLY You can't write against a read only replica.";

export interface ReplicationStatus {
  role: 'primary' | 'replica' | 'promoted';
  offset: number;
  /** For a primary: replicas linked now. */
  connectedReplicas?: number;
  replicaOffset?: number;
  lagBytes?: number;
  link?: 'up' | 'down';
  fullSyncs?: number;
  partialSyncs?: number;
}

/** What each linked replica has acknowledged (REPLCONF ACK), for WAIT. */
export class ReplicaAcks {
  private readonly offsets = new Map<MessagePort, number>();
  private readonly waiters = new Set<() => void>();

  set(port: MessagePort, offset: number): void {
    this.offsets.set(port, offset);
    for (const wake of [...this.waiters]) wake();
  }

  drop(port: MessagePort): void {
    this.offsets.delete(port);
  }

  count(offset: number): number {
    let n = 0;
    for (const acked of this.offsets.values()) if (acked >= offset) n++;
    return n;
  }

  get connected(): number {
    return this.offsets.size;
  }

  /** How far the slowest replica is behind `offset`. */
  lagBehind(offset: number): number {
    let lag = 0;
    for (const acked of this.offsets.values()) lag = Math.max(lag, offset - acked);
    return lag;
  }

  /** WAIT numreplicas timeout: resolves with the count when enough replicas have `offset`. */
  wait(offset: number, replicas: number, timeoutMs: number): Promise<number> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.count(offset) < replicas) return;
        done();
      };
      const done = () => {
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(this.count(offset));
      };
      const timer = timeoutMs > 0 ? setTimeout(done, timeoutMs) : undefined;
      this.waiters.add(check);
      check();
    });
  }
}

/** The primary's end: one replica per port. */
export function servePrimary(server: PersistentServer, port: MessagePort, existing: ReplicationPrimary | null, acks?: ReplicaAcks): ReplicationPrimary {
  const primary = existing ?? new ReplicationPrimary(server.engine, { backlogSize: 1 << 20, rng: seededRng(Date.now() % 2 ** 31) });
  let unlink: (() => void) | null = null;
  port.onmessage = (event: MessageEvent<LinkMessage>) => {
    const message = event.data;
    if (message.type === 'ack') {
      acks?.set(port, message.offset);
      return;
    }
    if (message.type === 'bye') {
      unlink?.();
      acks?.drop(port);
      port.close();
      return;
    }
    if (message.type !== 'psync') return;
    unlink?.();
    const reply = primary.psync(message.replid, message.offset);
    acks?.set(port, message.offset - 1);
    port.postMessage({ type: 'psync-reply', reply } satisfies LinkMessage);
    unlink = primary.link((bytes) => port.postMessage({ type: 'stream', bytes } satisfies LinkMessage));
  };
  return primary;
}

/** The replica's end, applying the stream into the server's engine. */
export class ReplicaEnd {
  readonly replica: Replica;
  private applying = false;
  private promoted = false;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly server: PersistentServer,
    private port: MessagePort,
    private readonly linkDelayMs: number,
  ) {
    this.replica = new Replica(server.engine);
    server.engine.readOnlyRefusal = () => (this.promoted || this.applying ? null : READONLY);
  }

  /** Sends PSYNC and applies what comes back; resolves once the initial sync is done. */
  start(): Promise<void> {
    return new Promise((resolve) => {
      this.port.onmessage = (event: MessageEvent<LinkMessage>) => {
        const message = event.data;
        if (message.type === 'psync-reply') {
          this.pending = this.pending.then(() => this.withWrites(() => this.replica.acceptPsync(message.reply))).then(resolve);
        } else if (message.type === 'stream') {
          const apply = () => void (this.pending = this.pending.then(() => this.withWrites(() => this.replica.receive(message.bytes))));
          if (this.linkDelayMs > 0) setTimeout(apply, this.linkDelayMs);
          else apply();
        }
      };
      this.port.postMessage({ type: 'psync', replid: this.replica.masterReplid, offset: this.replica.offset + 1 } satisfies LinkMessage);
    });
  }

  /** The link breaks: what was on its way is lost; the data and the offset stay. */
  disconnect(): void {
    this.replica.disconnect();
    this.port.onmessage = null;
    this.port.postMessage({ type: 'bye' } satisfies LinkMessage);
    this.port.close();
  }

  /** A new link to the same primary: PSYNC from the offset reached, partial when it can be. */
  reconnect(port: MessagePort): Promise<void> {
    this.port = port;
    return this.start();
  }

  /** The primary is gone: this copy takes writes now. */
  promote(): void {
    this.promoted = true;
    this.port.onmessage = null;
    this.port.close();
    this.replica.state = 'down';
  }

  status(): ReplicationStatus {
    return { role: this.promoted ? 'promoted' : 'replica', offset: this.replica.offset, link: this.replica.state, fullSyncs: this.replica.fullSyncs, partialSyncs: this.replica.partialSyncs };
  }

  private async withWrites(work: () => unknown): Promise<void> {
    this.applying = true;
    try {
      await work();
    } finally {
      this.applying = false;
    }
    // REPLCONF ACK: tell the primary how far this replica got (WAIT counts on it).
    if (!this.promoted) this.port.postMessage({ type: 'ack', offset: this.replica.offset } satisfies LinkMessage);
  }
}

/** WAIT numreplicas timeout, answered when enough replicas acknowledged every write so far. */
export function waitCommand(server: PersistentServer, primary: () => ReplicationPrimary | null, acks: ReplicaAcks): CommandSpec {
  return command({
    name: 'wait',
    arity: 3,
    noMulti: true,
    run(_ctx, argv) {
      const replicas = parseIntArg(argv[1]!);
      const timeout = parseIntArg(argv[2]!);
      if (replicas === null || timeout === null) fail(ERR.notInteger);
      if (timeout < 0) fail('ERR timeout is negative');
      const target = primary()?.offset ?? 0;
      server.deferReply(acks.wait(target, replicas, timeout).then((n) => int(n)));
      return int(0);
    },
  });
}

/**
 * REPLICAOF / SLAVEOF: NO ONE promotes (a no-op on a primary); the lab links replicas from its
 * Replication panel, so a host and port are refused with a message saying so.
 */
export function replicaofCommands(promote: () => void): CommandSpec[] {
  const run = (_ctx: unknown, argv: readonly string[]) => {
    if (argv[1]!.toLowerCase() === 'no' && argv[2]!.toLowerCase() === 'one') {
      promote();
      return status('OK');
    }
    return fail("ERR the lab's replicas are added in the Replication panel; REPLICAOF NO ONE promotes this one");
  };
  return [command({ name: 'replicaof', arity: 3, run }), command({ name: 'slaveof', arity: 3, run })];
}
