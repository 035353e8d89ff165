// Replication between two engine workers over a MessagePort: the primary answers PSYNC and
// streams its commands; the replica applies them (after an optional link delay), refuses
// client writes as a read-only replica does, and can be promoted when the primary is gone.
import type { Bin } from '../engine/bytes.js';
import type { PersistentServer } from '../engine/persistence/server.js';
import { ReplicationPrimary, type PsyncReply } from '../engine/replication/primary.js';
import { Replica } from '../engine/replication/replica.js';
import { seededRng } from '../engine/clock.js';

type LinkMessage = { type: 'psync'; replid: string; offset: number } | { type: 'psync-reply'; reply: PsyncReply } | { type: 'stream'; bytes: Bin } | { type: 'bye' };

const READONLY = "READONLY You can't write against a read only replica.";

export interface ReplicationStatus {
  role: 'primary' | 'replica' | 'promoted';
  offset: number;
  replicaOffset?: number;
  lagBytes?: number;
  link?: 'up' | 'down';
  fullSyncs?: number;
  partialSyncs?: number;
}

/** The primary's end: one replica per port. */
export function servePrimary(server: PersistentServer, port: MessagePort, existing: ReplicationPrimary | null): ReplicationPrimary {
  const primary = existing ?? new ReplicationPrimary(server.engine, { backlogSize: 1 << 20, rng: seededRng(Date.now() % 2 ** 31) });
  let unlink: (() => void) | null = null;
  port.onmessage = (event: MessageEvent<LinkMessage>) => {
    const message = event.data;
    if (message.type === 'bye') {
      unlink?.();
      port.close();
      return;
    }
    if (message.type !== 'psync') return;
    unlink?.();
    const reply = primary.psync(message.replid, message.offset);
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
    server.engine.writeRefusal = () => (this.promoted || this.applying ? server.writeRefusal() : READONLY);
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
  }
}
