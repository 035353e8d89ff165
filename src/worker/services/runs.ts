// Scenario runs in the worker, on the virtual clock: one run (its final files then written to
// the chosen browser storage for inspection, in large chunks), the run's sampled history for
// the time scrubber, the same scenario under several policies, and the crash explorer. Runs
// keep the page-cache model's disk in memory, so they cost what the engine costs and give the
// same report on every storage and in Node.
import { rdbCodec } from '../../engine/index.js';
import type { PresetId } from '../../scenario/presets.js';
import type { Scenario } from '../../scenario/scenario.js';
import { exploreCrashes, summarizeLosses, type LossPoint, type LossSummary } from '../../sim/crash-explorer.js';
import { runScenario, type RunOptions, type RunReport, type TracePoint } from '../../sim/run-scenario.js';
import { listFilesIn, readAll, type FileStore } from '../../storage/file-store.js';
import { MemoryStore } from '../../storage/memory-store.js';
import type { CallContext } from '../protocol.js';
import { openStore, type BackendChoice } from '../stores.js';

/** Where a single run's files are left for the Files panel. */
export const SCENARIO_DATABASE = 'persistence-lab-scenario';
const COPY_CHUNK = 4 << 20;

/** Lets messages (a Cancel) and telemetry in between stretches of simulation. */
const breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class RunService {
  private turn: Promise<unknown> = Promise.resolve();

  readonly api = {
    /**
     * One run. speed: virtual ms per wall ms (1 = real time), or null for as fast as possible.
     * Its files end up on `backend` under the scenario database.
     */
    run: async (scenario: Scenario, backend: BackendChoice, speed: number | null, call: CallContext): Promise<RunReport> => {
      const disk = new MemoryStore();
      const report = await runScenario(scenario, this.options(disk, call, speed ? { speed } : {}));
      // Runs share the scenario files: panels asking at once take turns writing them.
      const copy = this.turn.then(() => copyFiles(disk, backend));
      this.turn = copy.catch(() => undefined);
      await copy;
      return report;
    },

    /**
     * The run's history for the scrubber: the scenario without its crash, its state sampled about
     * 500 times. The run is deterministic, so any instant seen here is the one a branch recomputes.
     */
    trace: async (scenario: Scenario, call: CallContext): Promise<TracePoint[]> => {
      const points: TracePoint[] = [];
      const traceEveryMs = Math.max(100, Math.round(scenario.durationMs / 500));
      await runScenario(scenario, this.options(new MemoryStore(), call, { crash: 'none', traceEveryMs, onTrace: (point) => points.push(point) }));
      return points;
    },

    /** The same scenario (seed, workload, crash) under each preset; progress counts virtual time over all. */
    compare: async (scenario: Scenario, presets: readonly PresetId[], call: CallContext): Promise<{ preset: PresetId; report: RunReport }[]> => {
      const out: { preset: PresetId; report: RunReport }[] = [];
      const total = presets.length * scenario.durationMs;
      for (const preset of presets) {
        const done = out.length * scenario.durationMs;
        const report = await runScenario({ ...scenario, preset, config: '' }, {
          ...this.options(new MemoryStore(), call, {}),
          onProgress: (ms) => call.progress(done + ms, total),
        });
        out.push({ preset, report });
        call.progress(out.length * scenario.durationMs, total);
      }
      return out;
    },

    /** The crash explorer: the scenario crashed at `points` instants of each kind. */
    explore: async (scenario: Scenario, points: number, call: CallContext): Promise<{ points: LossPoint[]; summary: LossSummary[] }> => {
      const curve = await exploreCrashes(scenario, { points, backend: () => new MemoryStore(), rdb: rdbCodec, signal: call.signal, onProgress: (done, total) => call.progress(done, total), breathe });
      return { points: curve, summary: summarizeLosses(curve) };
    },
  };

  private options(disk: FileStore, call: CallContext, extra: Partial<RunOptions>): RunOptions {
    return { backend: disk, rdb: rdbCodec, signal: call.signal, breathe, onProgress: (done, total) => call.progress(done, total), ...extra };
  }
}

/** The run's files, replacing what an earlier run left, written in large sequential chunks. */
async function copyFiles(from: FileStore, backend: BackendChoice): Promise<void> {
  const opened = await openStore(backend, SCENARIO_DATABASE);
  const to = opened.store;
  try {
    for (const { path } of await listFilesIn(to, ['', 'appendonlydir'])) await to.delete(path);
    for (const { path } of await listFilesIn(from, ['', 'appendonlydir'])) {
      const bytes = await readAll(from, path);
      for (let at = 0; at < bytes.length; at += COPY_CHUNK) await to.write(path, at, bytes.subarray(at, at + COPY_CHUNK));
      if (bytes.length === 0) await to.write(path, 0, bytes);
      await to.flush(path);
    }
  } finally {
    opened.close();
  }
}
