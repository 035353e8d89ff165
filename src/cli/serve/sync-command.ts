// SYNC (replication.c's syncCommand for a replica that speaks the old protocol, as Redis's own
// tests use it to read the replication stream): the connection gets the dataset as an RDB
// payload ($<length>, no trailing CRLF), then every unit the engine propagates — exactly what the
// AOF gets, SELECTs included — and no more replies of its own. The lab has no replicas otherwise.
import { bytesToBin, command, type CommandSpec, type PersistentServer, ReplicationPrimary } from '../../engine/index.js';
import type { Connection } from './connection.js';
import { NO_REPLY } from './no-reply.js';
import type { ClientRegistry } from './registry.js';

export function syncCommand(server: PersistentServer, clients: ClientRegistry): CommandSpec {
  let primary: ReplicationPrimary | null = null;
  return command({
    name: 'sync',
    arity: 1,
    noMulti: true,
    run(ctx) {
      const conn = clients.of(ctx.client);
      // A replica asking again is ignored, as Redis ignores SYNC from a slave.
      if (!conn || conn.replica) return NO_REPLY;
      primary ??= new ReplicationPrimary(server.engine, { backlogSize: server.config.getNumber('repl-backlog-size'), rng: server.engine.rng });
      const sync = primary.psync('?', -1);
      if (sync.kind !== 'fullresync') return NO_REPLY;
      const rdb = sync.rdb.map((chunk) => bytesToBin(chunk)).join('');
      attach(conn, primary.link((bytes) => conn.send(bytes)));
      conn.send(`$${rdb.length}\r\n${rdb}`);
      clients.addReplica(conn);
      return NO_REPLY;
    },
  });
}

/** The connection is a replica: the stream is its only output, until it goes. */
function attach(conn: Connection, unlink: () => void): void {
  conn.replica = true;
  conn.repliesOff = true;
  conn.socket.once('close', unlink);
}
