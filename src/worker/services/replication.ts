// Replication between two engine workers: the page hands each one end of a MessageChannel. The
// primary serves PSYNC and streams its writes; the replica follows with a link delay, refuses
// client writes, and can be disconnected, reconnected (a partial resync when it can) or
// promoted when the primary is gone. INFO replication, ROLE and WAIT answer for each role.
import { primaryInfo, ReplicationPrimary, replicaInfo, roleCommand, seededRng } from '../../engine/index.js';
import { ReplicaAcks, ReplicaEnd, replicaofCommands, servePrimary, waitCommand, type ReplicationStatus } from '../replication-link.js';
import type { ReplicationTelemetry } from '../protocol.js';
import type { LiveService } from './live.js';

export class ReplicationService {
  private primary: ReplicationPrimary | null = null;
  private replicaEnd: ReplicaEnd | null = null;
  private readonly acks = new ReplicaAcks();

  constructor(private readonly live: LiveService) {}

  readonly api = {
    /** Serve `port` as the primary, or follow it as a replica (with `linkDelayMs` on the link). */
    attach: async (role: 'primary' | 'replica', port: MessagePort, linkDelayMs: number): Promise<void> => {
      const server = this.live.require();
      if (role === 'replica' && this.replicaEnd) return this.replicaEnd.reconnect(port);
      if (role === 'primary') {
        this.actAsPrimary(servePrimary(server, port, this.primary, this.acks));
        return;
      }
      const end = new ReplicaEnd(server, port, linkDelayMs);
      this.replicaEnd = end;
      server.engine.infoProviders.set('replication', () => replicaInfo(end.replica));
      server.engine.registerCommands([roleCommand(() => ({ replica: end.replica })), ...replicaofCommands(() => this.promote())]);
      await end.start();
    },
    /** The link breaks; the replica keeps its data and offset. */
    disconnect: async (): Promise<void> => this.replicaEnd?.disconnect(),
    promote: async (): Promise<void> => this.promote(),
    status: async (): Promise<ReplicationStatus | null> => this.status(),
  };

  /** A new server (a restart): links and roles tied to the old one are gone. */
  reset(): void {
    this.primary = null;
    this.replicaEnd = null;
  }

  telemetry(): ReplicationTelemetry | null {
    const status = this.status();
    if (!status) return null;
    return { status, lagBytes: this.primary && this.acks.connected > 0 ? this.acks.lagBehind(this.primary.offset) : null };
  }

  private status(): ReplicationStatus | null {
    if (this.replicaEnd) return this.replicaEnd.status();
    if (this.primary) return { role: 'primary', offset: this.primary.offset, connectedReplicas: this.acks.connected };
    return null;
  }

  /** The replica becomes a primary: it takes writes and reports itself as master. */
  private promote(): void {
    const server = this.live.server;
    if (!this.replicaEnd || !server) return;
    this.replicaEnd.promote();
    this.actAsPrimary(new ReplicationPrimary(server.engine, { backlogSize: 1 << 20, rng: seededRng(Date.now() % 2 ** 31) }));
    server.engine.registerCommands(replicaofCommands(() => undefined));
  }

  /** INFO replication, ROLE and WAIT answer as this primary's. */
  private actAsPrimary(primary: ReplicationPrimary): void {
    const server = this.live.require();
    this.primary = primary;
    server.engine.infoProviders.set('replication', () => primaryInfo(primary, () => this.acks.connected));
    server.engine.registerCommands([roleCommand(() => ({ primary })), waitCommand(server, () => this.primary, this.acks)]);
  }
}
