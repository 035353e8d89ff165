// The scenario in words, as the page shows it in one line: what runs, on what, and how it ends.
import { presetById } from '../scenario/presets.js';
import { crashOf, DEFAULT_CLIENTS, DEFAULT_PIPELINE, type Scenario } from '../scenario/scenario.js';
import { formatCount, formatDuration } from './format.js';

const CRASHES = { process: 'a process crash', power: 'a power loss', torn: 'a torn write' } as const;
const DISKS = { fast: 'an instant disk', ssd: 'a good SSD (1–3 ms fsyncs)', slow: 'a busy disk (fsyncs stall for seconds at times)' } as const;

export function describeScenario(s: Scenario): string {
  const policy = s.preset === 'custom' ? 'Custom configuration' : presetById(s.preset)!.label;
  const storage = (s.storage ?? 'opfs') === 'opfs' ? 'OPFS' : 'IndexedDB';
  const extra = s.config.trim() ? ` with ${s.config.trim().split('\n').length} extra directive(s)` : '';
  const rate = s.workload.rate > 0 ? `${formatCount(s.workload.rate)} writes/s` : 'writes flat out';
  const clients = `${formatCount(s.workload.clients ?? DEFAULT_CLIENTS)} clients, pipeline ${s.workload.pipeline ?? DEFAULT_PIPELINE}`;
  const crash = crashOf(s);
  const end = crash ? `then ${CRASHES[crash.crash]} at ${formatDuration(crash.at)}` : 'then a clean shutdown';
  const replica = s.replica ? `; a replica ${formatCount(s.replica.linkDelayMs)} ms behind${s.replica.lost ? ', lost too' : ' takes over'}` : '';
  return `${policy}${extra} on ${storage} · ${rate} from ${clients} over ${formatCount(s.workload.keys)} keys per type · ${DISKS[s.disk ?? 'fast']} · runs ${formatDuration(s.durationMs)}, ${end}${replica} · seed ${s.seed}`;
}
