// The keyspace summary the page shows, computed again only when the data may have changed: a
// pass over a million keys costs the worker ~0.5 s, and the telemetry asks about once a second
// even while nothing runs (an uploaded file being looked at, say).
import { summarizeKeyspace, type Engine, type KeyspaceSummary } from '../../engine/index.js';

/**
 * What changes whenever the data can: every command (lazy expiry included), active expiry,
 * eviction and the change count a dataset replacement adds to. CONFIG RESETSTAT can set the
 * command count back, never to the value of the summary kept, as it is itself a command.
 */
function dataVersion(engine: Engine): string {
  const { commandsProcessed, expiredKeys, evictedKeys } = engine.stats;
  return `${commandsProcessed}/${expiredKeys}/${evictedKeys}/${engine.dirty}`;
}

export class KeyspaceSummaries {
  private kept: { engine: Engine; prefix: string; version: string; summary: KeyspaceSummary } | null = null;

  summary(engine: Engine, prefix: string, own: readonly string[]): KeyspaceSummary {
    const version = dataVersion(engine);
    const kept = this.kept;
    if (kept && kept.engine === engine && kept.prefix === prefix && kept.version === version) return kept.summary;
    const summary = summarizeKeyspace(engine.dbs, { prefix, own });
    this.kept = { engine, prefix, version, summary };
    return summary;
  }
}
