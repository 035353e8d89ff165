// `scenario FILE_OR_URL`: loads a scenario from a JSON file or a lab link, runs it on the
// in-memory disk (the simulator's virtual clock makes real fsyncs pointless here) and prints
// one JSON report per run, with progress on stderr. `stop` ends it between steps (Ctrl-C, or a
// reader that went away): the run in progress is dropped, never printed half done.
import { readFile } from 'node:fs/promises';
import { rdbCodec } from '../engine/index.js';
import { validateScenario, type CrashKind, type Scenario } from '../scenario/scenario.js';
import { scenarioFromHash } from '../scenario/url.js';
import { exploreCrashes } from '../sim/crash-explorer.js';
import { runScenario } from '../sim/run-scenario.js';
import { MemoryStore } from '../storage/memory-store.js';
import type { Progress } from './progress.js';

export const SCENARIO_OPTIONS = {
  runs: { type: 'string' },
  seed: { type: 'string' },
  crash: { type: 'string' },
  'crash-at': { type: 'string' },
  explore: { type: 'string' },
} as const;

/** The scenario's own seed range: run k uses seed + k, which must stay in it. */
export const MAX_SEED = 2 ** 31 - 1;

export interface ScenarioCliOptions {
  source: string;
  runs: number;
  seed: number | undefined;
  crash: CrashKind | 'none' | undefined;
  crashAtMs: number | undefined;
  /** Crash at this many evenly spaced instants with each kind instead of running once. */
  explore?: number | undefined;
}

export interface ScenarioControl {
  /** Aborted to stop at the next step. */
  stop: AbortSignal;
  progress: Progress;
}

/** What was done when the command stopped early. */
export class ScenarioStopped extends Error {}

/** A scenario from a JSON file or a lab link (`…#s=…`, also with `view=` and other fields). */
export async function loadScenario(source: string): Promise<Scenario> {
  if (/^https?:\/\//.test(source) || source.startsWith('#')) {
    const hash = source.includes('#') ? source.slice(source.indexOf('#')) : '';
    const decoded = scenarioFromHash(hash);
    if (decoded.problem) throw new Error(decoded.problem.replace(/; the default scenario is loaded instead$/, ''));
    return decoded.scenario;
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(source, 'utf8'));
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`);
  }
  const result = validateScenario(json);
  if (!result.ok) throw new Error(`${source}: ${result.errors.join('; ')}`);
  return result.scenario;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A turn of the event loop now and then, so Ctrl-C and a closed stdout are noticed mid-run. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runScenarioCommand(options: ScenarioCliOptions, write: (text: string) => Promise<void>, control: ScenarioControl): Promise<void> {
  const scenario = await loadScenario(options.source);
  const { stop, progress } = control;
  if (options.explore) {
    const curve = await exploreCrashes(options.seed === undefined ? scenario : { ...scenario, seed: options.seed }, {
      points: options.explore,
      backend: () => new MemoryStore(),
      rdb: rdbCodec,
      signal: stop,
      onProgress: (done, total) => progress.update(`scenario: explored ${done} of ${total} crashes`),
      ...(options.crash && options.crash !== 'none' ? { kinds: [options.crash] } : {}),
    });
    progress.clear();
    // A curve cut short by a stop is no curve: nothing of it is printed.
    if (stop.aborted) throw new ScenarioStopped(`the exploration stopped after ${curve.length} crashes; nothing was printed`);
    for (const point of curve) await write(`${JSON.stringify(point)}\n`);
    return;
  }
  const baseSeed = options.seed ?? scenario.seed;
  for (let k = 0; k < options.runs; k++) {
    const label = options.runs > 1 ? `run ${k + 1} of ${options.runs}` : 'run';
    let at = 0;
    let report;
    try {
      report = await runScenario(scenario, {
        backend: new MemoryStore(),
        rdb: rdbCodec,
        seed: baseSeed + k,
        signal: stop,
        breathe,
        onProgress: (done, total) => {
          at = done;
          progress.update(`scenario: ${label}, ${secs(done)} of ${secs(total)} of virtual time (${Math.floor((done * 100) / total)}%)`);
        },
        ...(options.crash ? { crash: options.crash } : {}),
        ...(options.crashAtMs !== undefined ? { crashAtMs: options.crashAtMs } : {}),
      });
    } catch (e) {
      progress.clear();
      if (stop.aborted) throw new ScenarioStopped(`${label} stopped at ${secs(at)} of virtual time; it has no report (${k} ${k === 1 ? 'run' : 'runs'} reported)`);
      throw e;
    }
    progress.clear();
    await write(`${JSON.stringify({ seed: baseSeed + k, ...report })}\n`);
    if (stop.aborted) throw new ScenarioStopped(`stopped after ${k + 1} ${k === 0 ? 'run' : 'runs'}`);
  }
}
