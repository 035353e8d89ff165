// The crash explorer: one scenario crashed at evenly spaced instants with each kind of crash,
// each recovered — the loss curve of a policy over the run. Runs are deterministic, so crashing
// at t is the same run as the original up to t.
import type { RdbCodec } from '../engine/persistence/codec.js';
import type { CrashKind, Scenario } from '../scenario/scenario.js';
import type { FileStore } from '../storage/file-store.js';
import { runScenario } from './run-scenario.js';

export interface LossPoint {
  crash: CrashKind;
  crashAtMs: number;
  acknowledgedWrites: number;
  lostWrites: number;
  lostWindowMs: number;
  promiseHeld: boolean;
}

export interface ExploreOptions {
  points: number;
  kinds?: readonly CrashKind[];
  /** A fresh disk for each run. */
  backend: () => FileStore;
  rdb: RdbCodec;
  onProgress?: (done: number, total: number) => void;
  signal?: { readonly aborted: boolean };
}

export async function exploreCrashes(scenario: Scenario, options: ExploreOptions): Promise<LossPoint[]> {
  const kinds = options.kinds ?? (['process', 'power', 'torn'] as const);
  const total = options.points * kinds.length;
  const out: LossPoint[] = [];
  for (let i = 1; i <= options.points; i++) {
    const crashAtMs = Math.round((scenario.durationMs * i) / options.points);
    for (const crash of kinds) {
      if (options.signal?.aborted) return out;
      let report;
      try {
        report = await runScenario(scenario, { backend: options.backend(), rdb: options.rdb, crash, crashAtMs, ...(options.signal ? { signal: options.signal } : {}) });
      } catch (e) {
        // Cancelled inside a run: the curve so far, as between runs.
        if (options.signal?.aborted) return out;
        throw e;
      }
      out.push({ crash, crashAtMs, acknowledgedWrites: report.acknowledgedWrites, lostWrites: report.lostWrites, lostWindowMs: report.lostWindowMs, promiseHeld: report.promiseHeld });
      options.onProgress?.(out.length, total);
    }
  }
  return out;
}
