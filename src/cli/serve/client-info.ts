// CLIENT LIST / CLIENT INFO lines in redis-server 7.0's format (networking.c
// catClientInfoString). The lab has no pub/sub, ACL users or tracking, so those fields are
// always their idle values; the memory fields are what this process actually holds.
import type { Engine } from '../../engine/index.js';
import type { Connection } from './connection.js';

/** The flags field: one letter per state, N for none. */
function flags(conn: Connection): string {
  let out = '';
  if (conn.monitor) out += 'O';
  if (conn.client.multi) out += 'x';
  if (conn.client.blocked) out += 'b';
  if (conn.client.dirtyCas) out += 'd';
  if (conn.closeAfterReply) out += 'c';
  return out === '' ? 'N' : out;
}

/** The full name of the last command that ran ("client|list"), or NULL. */
function lastCommandName(engine: Engine, conn: Connection): string {
  if (!conn.lastCommand) return 'NULL';
  const spec = engine.resolve(conn.lastCommand);
  return typeof spec === 'string' ? 'NULL' : spec.name;
}

export function clientInfoLine(engine: Engine, conn: Connection, nowMs: number): string {
  const now = Math.floor(nowMs / 1000);
  const qbuf = conn.pendingInput;
  const omem = conn.pendingOutput;
  const multi = conn.client.multi ? conn.client.multi.queue.length : -1;
  const fields: [string, string | number][] = [
    ['id', conn.id],
    ['addr', conn.addr],
    ['laddr', conn.laddr],
    ['fd', conn.fd],
    ['name', conn.name ?? ''],
    ['age', now - Math.floor(conn.createdAt / 1000)],
    ['idle', now - Math.floor(conn.lastInteraction / 1000)],
    ['flags', flags(conn)],
    ['db', conn.client.db],
    ['sub', 0],
    ['psub', 0],
    ['ssub', 0],
    ['multi', multi],
    ['qbuf', qbuf],
    ['qbuf-free', 0],
    ['argv-mem', 0],
    ['multi-mem', 0],
    ['rbs', 0],
    ['rbp', 0],
    ['obl', 0],
    ['oll', 0],
    ['omem', omem],
    ['tot-mem', qbuf + omem],
    ['events', conn.closed ? '' : 'r'],
    ['cmd', lastCommandName(engine, conn)],
    ['user', 'default'],
    ['redir', -1],
    ['resp', 2],
  ];
  return fields.map(([k, v]) => `${k}=${v}`).join(' ');
}
