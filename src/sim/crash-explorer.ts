// The crash explorer: one scenario crashed at many instants with each kind of crash, each
// recovered — the loss curve of a policy over the run. The instants are spread over the run and,
// seeded, over the phase of the fsync and snapshot cycles: crashing only on whole seconds would
// hit the instant everysec has just fsynced and make it look lossless. Runs are deterministic,
// so crashing at t is the same run as the original up to t.
import { randomBelow, type RdbCodec, seededRng } from '../engine/index.js';
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
  signal?: AbortSignal;
  /** Awaited now and then during each run, to let messages in (see RunOptions.breathe). */
  breathe?: () => Promise<void>;
}

export const CRASH_KINDS: readonly CrashKind[] = ['process', 'power', 'torn'];

/**
 * `points` instants in (0, durationMs]: one in each of `points` equal stretches of the run, at a
 * seeded place inside it, so they cover the run and every phase of a periodic cycle.
 */
export function crashInstants(durationMs: number, points: number, seed: number): number[] {
  const rng = seededRng(seed ^ 0xc4a5);
  const out: number[] = [];
  for (let i = 0; i < points; i++) {
    const from = (durationMs * i) / points;
    const width = durationMs / points;
    out.push(Math.min(durationMs, Math.max(1, Math.round(from + (randomBelow(rng, 1_000_000) / 1_000_000) * width))));
  }
  return out;
}

export async function exploreCrashes(scenario: Scenario, options: ExploreOptions): Promise<LossPoint[]> {
  const kinds = options.kinds ?? CRASH_KINDS;
  const instants = crashInstants(scenario.durationMs, options.points, scenario.seed);
  const total = instants.length * kinds.length;
  const out: LossPoint[] = [];
  for (const crashAtMs of instants) {
    for (const crash of kinds) {
      if (options.signal?.aborted) return out;
      let report;
      try {
        report = await runScenario(scenario, {
          backend: options.backend(),
          rdb: options.rdb,
          crash,
          crashAtMs,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.breathe ? { breathe: options.breathe } : {}),
        });
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

export interface LossSummary {
  crash: CrashKind;
  crashes: number;
  lost: { min: number; median: number; max: number };
  /** The loss window's distribution over the crashes, in ms. */
  windowMs: { min: number; median: number; p90: number; max: number };
  broken: number;
}

/** Per kind of crash: how much was lost, at best, typically and at worst. */
export function summarizeLosses(points: readonly LossPoint[]): LossSummary[] {
  const out: LossSummary[] = [];
  for (const crash of CRASH_KINDS) {
    const mine = points.filter((p) => p.crash === crash);
    if (mine.length === 0) continue;
    const lost = mine.map((p) => p.lostWrites).sort((a, b) => a - b);
    const windows = mine.map((p) => p.lostWindowMs).sort((a, b) => a - b);
    out.push({
      crash,
      crashes: mine.length,
      lost: { min: lost[0]!, median: quantile(lost, 0.5), max: lost.at(-1)! },
      windowMs: { min: windows[0]!, median: quantile(windows, 0.5), p90: quantile(windows, 0.9), max: windows.at(-1)! },
      broken: mine.filter((p) => !p.promiseHeld).length,
    });
  }
  return out;
}

/** The q-quantile of sorted values (nearest rank). */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
