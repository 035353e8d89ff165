// What lesson steps share: runs of the page's scenario in the worker (their files left where the
// Files view reads them), the live console, and numbers worded with their units.
import type { PresetId } from '../../scenario/presets.js';
import { crashOf, withCrash, type CrashKind, type Scenario } from '../../scenario/scenario.js';
import type { RunReport } from '../../worker/protocol.js';
import { formatBytes, formatCount, formatDuration, formatLossWindow, formatMs } from '../format.js';
import type { StepContext } from './lesson.js';

export { formatBytes, formatCount, formatDuration, formatLossWindow, formatMs };

export function run(context: StepContext, scenario: Scenario): Promise<RunReport> {
  return context.lab.api.runs.run(scenario, context.lab.backend, null, context.call);
}

export function compare(context: StepContext, scenario: Scenario, presets: readonly PresetId[]): Promise<{ preset: PresetId; report: RunReport }[]> {
  return context.lab.api.runs.compare(scenario, presets, context.call);
}

/** The scenario under another preset (its extra directives kept) or with other directives. */
export function under(scenario: Scenario, preset: PresetId | 'custom', config = scenario.config): Scenario {
  return { ...scenario, preset, config };
}

/** The same crash instant (or the scenario's end) with another kind of crash. */
export function crashedBy(scenario: Scenario, crash: CrashKind): Scenario {
  const at = crashOf(scenario)?.at ?? scenario.durationMs - 1;
  return withCrash(scenario, at, crash);
}

/** The scenario's events other than crashes, then `events` (times in ms). */
export function withEvents(scenario: Scenario, events: Scenario['events']): Scenario {
  return { ...scenario, events: [...scenario.events.filter((e) => e.kind === 'crash'), ...events].sort((a, b) => a.at - b.at) };
}

export const diskBytes = (report: RunReport): number => report.files.reduce((sum, f) => sum + f.bytes, 0);

/** The size of the file whose name ends with `suffix` (0 when there is none). */
export function fileBytes(report: RunReport, suffix: string): number {
  return report.files.filter((f) => f.name.endsWith(suffix)).reduce((sum, f) => sum + f.bytes, 0);
}

export const fileNames = (report: RunReport): string => report.files.map((f) => `${f.name.replace(/^appendonlydir\//, '')} (${formatBytes(f.bytes)})`).join(', ') || 'none';

/** p50 / p99 on the virtual clock, which charges only disk waits: 0 ms is said to mean none. */
export const latencyOf = (report: RunReport): string => `${formatMs(report.latencyMs.p50)} / ${formatMs(report.latencyMs.p99)}${report.latencyMs.p99 === 0 ? ' (no disk wait)' : ''}`;
export const lostOf = (report: RunReport): string => `${formatCount(report.lostWrites)} of ${formatCount(report.acknowledgedWrites)} acknowledged writes`;

/** A console command on the live engine; its reply as redis-cli prints it. */
export async function execute(context: StepContext, line: string): Promise<string> {
  const result = await context.lab.execute(line);
  if (result?.isError) throw new Error(`${line}: ${result.text}`);
  return result?.text ?? '';
}

/** One field of INFO's reply. */
export function infoField(info: string, name: string): string | null {
  return info.match(new RegExp(`^${name}:(.*)$`, 'm'))?.[1]?.trim() ?? null;
}

export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('Cancelled.'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new Error('Cancelled.'))), { once: true });
  });
}
