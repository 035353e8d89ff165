// INFO: sections as redis-server 7.0 prints them. The engine fills what it knows (server,
// clients, memory estimate, stats, keyspace); hosts register more (persistence, replication)
// through Engine.infoProviders so the text stays one format for the console, CLI and panels.
import type { Engine } from './engine.js';

export type InfoFields = readonly (readonly [name: string, value: string | number])[];
export type InfoProvider = () => InfoFields;

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'keyspace'];

function builtinSection(engine: Engine, name: string): InfoFields | null {
  const now = engine.clock.now();
  switch (name) {
    case 'server':
      return [
        ['redis_version', '7.0.15'],
        ['redis_mode', 'standalone'],
        ['os', 'Persistence Lab engine'],
        ['arch_bits', 64],
        ['tcp_port', 0],
        ['uptime_in_seconds', Math.floor((now - engine.stats.startTime) / 1000)],
        ['uptime_in_days', Math.floor((now - engine.stats.startTime) / 86_400_000)],
        ['hz', 10],
      ];
    case 'clients':
      return [['connected_clients', 1], ['blocked_clients', engine.blockedClients.length]];
    case 'memory': {
      const bytes = engine.estimatedMemory();
      return [['used_memory', bytes], ['used_memory_human', humanBytes(bytes)], ['maxmemory', engine.config.get('maxmemory')], ['maxmemory_policy', engine.config.get('maxmemory-policy')]];
    }
    case 'persistence':
      return [['loading', engine.loading ? 1 : 0], ['rdb_changes_since_last_save', engine.dirty], ['aof_enabled', 0]];
    case 'stats':
      return [
        ['total_commands_processed', engine.stats.commandsProcessed],
        ['expired_keys', engine.stats.expiredKeys],
        ['evicted_keys', engine.stats.evictedKeys],
      ];
    case 'replication':
      return [['role', 'master'], ['connected_slaves', 0]];
    case 'cpu':
      return [];
    case 'keyspace':
      return engine.dbs
        .filter((db) => db.size > 0)
        .map((db) => [`db${db.id}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=${db.avgTtl}`] as const);
    default:
      return null;
  }
}

export function humanBytes(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes}B` : `${value.toFixed(2)}${units[unit]}`;
}

/** The INFO text for the requested sections ("default", "all", "everything" or names). */
export function infoText(engine: Engine, requested: readonly string[]): string {
  const wanted = requested.map((s) => s.toLowerCase());
  const everything = wanted.some((s) => s === 'all' || s === 'everything');
  const names =
    wanted.length === 0 || wanted.includes('default') || everything
      ? [...new Set([...DEFAULT_SECTIONS, ...engine.infoProviders.keys()])]
      : wanted;
  const blocks: string[] = [];
  for (const name of names) {
    const fields = engine.infoProviders.get(name)?.() ?? builtinSection(engine, name);
    if (!fields) continue;
    const title = name[0]!.toUpperCase() + name.slice(1);
    blocks.push([`# ${title}`, ...fields.map(([k, v]) => `${k}:${v}`)].join('\r\n') + '\r\n');
  }
  return blocks.join('\r\n');
}
