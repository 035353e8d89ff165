// Clients blocked on keys (blocked.c): per database, the clients waiting for each key in the
// order they blocked; keys signalled ready by writes (each once until served); timeouts on the
// engine's clock. The Engine serves ready keys after the command (or EXEC) that readied them.
import type { Bin } from './bytes.js';
import type { CommandContext } from './context.js';
import type { Client } from './engine.js';
import type { Database } from './keyspace/database.js';
import type { TypeName } from './keyspace/values.js';
import type { Reply } from './resp/reply.js';

/** What a blocked client waits for: the type its key must have to serve it. */
export type BlockKind = 'list' | 'zset' | 'stream';

export interface BlockSpec {
  readonly kind: BlockKind;
  /** The keys, in the order the command named them (duplicates are ignored). */
  readonly keys: readonly Bin[];
  /** Absolute unix ms after which the client times out; 0 waits forever. */
  readonly timeout: number;
  /**
   * Serves the client from `key`, which is ready and of the right type; undefined when it still
   * cannot be served (a stream with nothing newer). Runs as the blocked client.
   */
  readonly serve: (ctx: CommandContext, key: Bin) => Reply | undefined;
  /** Keys other than the served one that serving writes (BLMOVE's destination). */
  readonly alsoWrites?: readonly Bin[];
  /** Only for list pops: true when serving emptied (deleted) the key, so later clients wait. */
  readonly stopsWhenDeleted?: boolean;
  /** XREADGROUP: answered with an error when its stream is deleted or replaced. */
  readonly readgroup?: boolean;
}

export interface BlockedState extends BlockSpec {
  readonly db: Database;
}

/** Called with the reply a blocked client finally gets. */
export type UnblockListener = (client: Client, reply: Reply) => void;

const BLOCKABLE = new Set<TypeName>(['list', 'zset', 'stream']);

export class BlockingRegistry {
  /** Blocked clients, in the order they blocked. */
  readonly clients = new Set<Client>();
  private readonly perKind: Record<BlockKind, number> = { list: 0, zset: 0, stream: 0 };
  /** server.ready_keys: keys signalled since the last time they were served. */
  ready: { db: Database; key: Bin }[] = [];
  private readonly listeners: UnblockListener[] = [];

  onUnblocked(listener: UnblockListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  block(client: Client, db: Database, spec: BlockSpec): void {
    const state: BlockedState = { ...spec, keys: [...new Set(spec.keys)], db };
    for (const key of state.keys) {
      const waiting = db.blocking.get(key);
      if (waiting) waiting.push(client);
      else db.blocking.set(key, [client]);
    }
    client.blocked = state;
    this.clients.add(client);
    this.perKind[spec.kind]++;
  }

  /** unblockClient: the client leaves every key it waited on; `reply` (if any) is delivered. */
  unblock(client: Client, reply: Reply | null): void {
    const state = client.blocked;
    if (!state) return;
    for (const key of state.keys) {
      const waiting = state.db.blocking.get(key)!;
      waiting.splice(waiting.indexOf(client), 1);
      if (waiting.length === 0) state.db.blocking.delete(key);
    }
    client.blocked = null;
    this.clients.delete(client);
    this.perKind[state.kind]--;
    if (reply) for (const listener of this.listeners) listener(client, reply);
  }

  /** signalKeyAsReady: queues `key` once, if a client of a type that `type` can serve waits on it. */
  signal(db: Database, key: Bin, type: TypeName): void {
    if (!BLOCKABLE.has(type) || this.perKind[type as BlockKind] === 0) return;
    if (!db.blocking.has(key) || db.readyKeys.has(key)) return;
    db.readyKeys.add(key);
    this.ready.push({ db, key });
  }

  /** Blocked clients whose timeout is before `now`, in timeout order (then client order). */
  timedOut(now: number): Client[] {
    const due: Client[] = [];
    for (const client of this.clients) {
      const timeout = client.blocked!.timeout;
      if (timeout !== 0 && timeout < now) due.push(client);
    }
    return due.sort((a, b) => a.blocked!.timeout - b.blocked!.timeout || a.id - b.id);
  }

  /** The earliest timeout of a blocked client, or null when none can time out. */
  nextTimeout(): number | null {
    let next: number | null = null;
    for (const client of this.clients) {
      const timeout = client.blocked!.timeout;
      if (timeout !== 0 && (next === null || timeout < next)) next = timeout;
    }
    return next;
  }
}
