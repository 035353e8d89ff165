// INFO persistence as redis-server 7.0.15 prints it, from a PersistentServer's state.
import type { InfoFields } from '../info.js';
import type { PersistentServer } from './server.js';

export function persistenceInfo(server: PersistentServer): InfoFields {
  const { engine, status, job, aof } = server;
  const now = engine.clock.now();
  const running = (kind: 'rdb' | 'aof') => (job?.kind === kind ? 1 : 0);
  const elapsed = (kind: 'rdb' | 'aof') => (job?.kind === kind ? Math.floor((now - job.startedAt) / 1000) : -1);
  const fields: [string, string | number][] = [
    ['loading', engine.loading ? 1 : 0],
    ['async_loading', 0],
    ['current_cow_peak', status.currentCowPeak],
    ['current_cow_size', status.currentCowSize],
    ['current_cow_size_age', 0],
    ['current_fork_perc', job ? '100.00' : '0.00'],
    ['current_save_keys_processed', 0],
    ['current_save_keys_total', 0],
    ['rdb_changes_since_last_save', engine.dirty],
    ['rdb_bgsave_in_progress', running('rdb')],
    ['rdb_last_save_time', status.lastSaveUnix],
    ['rdb_last_bgsave_status', status.lastBgsaveOk ? 'ok' : 'err'],
    ['rdb_last_bgsave_time_sec', status.lastBgsaveTimeSec],
    ['rdb_current_bgsave_time_sec', elapsed('rdb')],
    ['rdb_saves', status.rdbSaves],
    ['rdb_last_cow_size', status.rdbLastCowSize],
    ['rdb_last_load_keys_expired', status.rdbLastLoadKeysExpired],
    ['rdb_last_load_keys_loaded', status.rdbLastLoadKeysLoaded],
    ['aof_enabled', aof ? 1 : 0],
    ['aof_rewrite_in_progress', running('aof')],
    ['aof_rewrite_scheduled', server.rewriteScheduled ? 1 : 0],
    ['aof_last_rewrite_time_sec', status.aofLastRewriteTimeSec],
    ['aof_current_rewrite_time_sec', elapsed('aof')],
    ['aof_last_bgrewrite_status', status.aofLastBgrewriteOk ? 'ok' : 'err'],
    ['aof_rewrites', status.aofRewrites],
    ['aof_rewrites_consecutive_failures', 0],
    ['aof_last_write_status', status.aofLastWriteOk ? 'ok' : 'err'],
    ['aof_last_cow_size', status.aofLastCowSize],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
  ];
  if (aof) {
    fields.push(
      ['aof_current_size', aof.currentSize],
      ['aof_base_size', aof.baseSize],
      ['aof_pending_rewrite', server.rewriteScheduled ? 1 : 0],
      ['aof_buffer_length', aof.pendingBytes],
      ['aof_pending_bio_fsync', 0],
      ['aof_delayed_fsync', status.aofDelayedFsync],
    );
  }
  return fields;
}
