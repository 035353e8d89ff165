// MONITOR's lines (replication.c replicationFeedMonitors): every command that ran, after it ran,
// with the time, the database and the client's address — except administrative ones (CMD_ADMIN)
// and scripts (CMD_SKIP_MONITOR), which Redis considers too dangerous to show.
import { type Bin, quoteRepr } from '../../engine/index.js';

const HIDDEN = new Set([
  // CMD_ADMIN
  'acl', 'bgrewriteaof', 'bgsave', 'cluster', 'config', 'debug', 'failover', 'latency', 'module', 'monitor', 'pfdebug', 'pfselftest',
  'psync', 'replconf', 'replicaof', 'save', 'sentinel', 'shutdown', 'slaveof', 'slowlog', 'sync',
  'client|kill', 'client|list', 'client|no-evict', 'client|pause', 'client|unblock', 'client|unpause',
  // CMD_SKIP_MONITOR
  'eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro',
]);

/** The status reply monitors get for a command, or null when it is not shown. */
export function monitorLine(command: string, argv: readonly Bin[], db: number, addr: string, nowMs: number): string | null {
  if (HIDDEN.has(command) || HIDDEN.has(command.split('|')[0]!)) return null;
  const seconds = Math.floor(nowMs / 1000);
  const micros = String(Math.floor((nowMs - seconds * 1000) * 1000)).padStart(6, '0');
  return `+${seconds}.${micros} [${db} ${addr}] ${argv.map(quoteRepr).join(' ')}\r\n`;
}
