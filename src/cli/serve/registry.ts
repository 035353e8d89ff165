// The connected clients: by engine client (what a command sees), by id (CLIENT KILL ID, CLIENT
// UNBLOCK), in connection order (CLIENT LIST), those in MONITOR mode and the replicas (SYNC).
import type { Client } from '../../engine/index.js';
import type { Connection } from './connection.js';

export class ClientRegistry {
  private readonly byClient = new Map<Client, Connection>();
  private readonly byId = new Map<number, Connection>();
  private readonly monitoring = new Set<Connection>();
  private readonly replicaSet = new Set<Connection>();

  /** Called when the first client starts or the last one stops monitoring. */
  constructor(private readonly monitorsChanged: (any: boolean) => void) {}

  add(conn: Connection): void {
    this.byClient.set(conn.client, conn);
    this.byId.set(conn.id, conn);
  }

  remove(conn: Connection): void {
    this.byClient.delete(conn.client);
    this.byId.delete(conn.id);
    this.removeMonitor(conn);
    this.replicaSet.delete(conn);
  }

  get monitors(): ReadonlySet<Connection> {
    return this.monitoring;
  }

  get replicas(): ReadonlySet<Connection> {
    return this.replicaSet;
  }

  addReplica(conn: Connection): void {
    this.replicaSet.add(conn);
  }

  addMonitor(conn: Connection): void {
    conn.monitor = true;
    this.monitoring.add(conn);
    if (this.monitoring.size === 1) this.monitorsChanged(true);
  }

  removeMonitor(conn: Connection): void {
    conn.monitor = false;
    if (this.monitoring.delete(conn) && this.monitoring.size === 0) this.monitorsChanged(false);
  }

  /** The connection of the client running a command (undefined for the server's own clients). */
  of(client: Client): Connection | undefined {
    return this.byClient.get(client);
  }

  withId(id: number): Connection | undefined {
    return this.byId.get(id);
  }

  /** Every connection, oldest first. */
  all(): IterableIterator<Connection> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }
}
