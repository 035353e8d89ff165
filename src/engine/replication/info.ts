// INFO replication and ROLE for an engine that is a primary with replicas or a replica, with
// redis-server 7.0's field names. The lab's replicas have no network address of their own.
import { command, type CommandSpec } from '../commands/types.js';
import type { InfoFields } from '../info.js';
import { array, bulk, int } from '../resp/reply.js';
import type { ReplicationPrimary } from './primary.js';
import type { Replica } from './replica.js';

export function primaryInfo(primary: ReplicationPrimary, replicas: () => number): InfoFields {
  return [
    ['role', 'master'],
    ['connected_slaves', replicas()],
    ['master_failover_state', 'no-failover'],
    ['master_replid', primary.replid],
    ['master_replid2', '0'.repeat(40)],
    ['master_repl_offset', primary.offset],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 1],
    ['repl_backlog_size', primary.backlog.size],
    ['repl_backlog_first_byte_offset', primary.backlog.firstByteOffset],
    ['repl_backlog_histlen', primary.backlog.histlen],
  ];
}

export function replicaInfo(replica: Replica): InfoFields {
  return [
    ['role', 'slave'],
    ['master_host', 'primary-worker'],
    ['master_port', 6379],
    ['master_link_status', replica.state],
    ['master_sync_in_progress', 0],
    ['slave_repl_offset', replica.offset],
    ['slave_read_only', 1],
    ['connected_slaves', 0],
    ['master_replid', replica.masterReplid],
    ['master_repl_offset', replica.offset],
  ];
}

/** ROLE: ["master", offset, replicas] or ["slave", host, port, state, offset]. */
export function roleCommand(role: () => { primary: ReplicationPrimary } | { replica: Replica }): CommandSpec {
  return command({
    name: 'role',
    arity: 1,
    run() {
      const r = role();
      if ('primary' in r) return array([bulk('master'), int(r.primary.offset), array([])]);
      return array([bulk('slave'), bulk('primary-worker'), int(6379), bulk(r.replica.state === 'up' ? 'connected' : 'connect'), int(r.replica.offset)]);
    },
  });
}

