// `scenario FILE_OR_URL`: loads a scenario from a JSON file or a lab link, runs it on the
// in-memory disk (the simulator's virtual clock makes real fsyncs pointless here) and prints
// one JSON report per run.
import { readFile } from 'node:fs/promises';
import { rdbCodec } from '../engine/index.js';
import { validateScenario, type CrashKind, type Scenario } from '../scenario/scenario.js';
import { scenarioFromHash } from '../scenario/url.js';
import { exploreCrashes } from '../sim/crash-explorer.js';
import { runScenario } from '../sim/run-scenario.js';
import { MemoryStore } from '../storage/memory-store.js';

export const SCENARIO_OPTIONS = {
  runs: { type: 'string' },
  seed: { type: 'string' },
  crash: { type: 'string' },
  'crash-at': { type: 'string' },
  explore: { type: 'string' },
} as const;

export interface ScenarioCliOptions {
  source: string;
  runs: number;
  seed: number | undefined;
  crash: CrashKind | 'none' | undefined;
  crashAtMs: number | undefined;
  /** Crash at this many evenly spaced instants with each kind instead of running once. */
  explore?: number | undefined;
}

async function loadScenario(source: string): Promise<Scenario> {
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

export async function runScenarioCommand(options: ScenarioCliOptions, write: (text: string) => Promise<void>): Promise<void> {
  const scenario = await loadScenario(options.source);
  if (options.explore) {
    const curve = await exploreCrashes(options.seed === undefined ? scenario : { ...scenario, seed: options.seed }, { points: options.explore, backend: () => new MemoryStore(), rdb: rdbCodec, ...(options.crash && options.crash !== 'none' ? { kinds: [options.crash] } : {}) });
    for (const point of curve) await write(`${JSON.stringify(point)}\n`);
    return;
  }
  const baseSeed = options.seed ?? scenario.seed;
  for (let k = 0; k < options.runs; k++) {
    const report = await runScenario(scenario, {
      backend: new MemoryStore(),
      rdb: rdbCodec,
      seed: baseSeed + k,
      ...(options.crash ? { crash: options.crash } : {}),
      ...(options.crashAtMs !== undefined ? { crashAtMs: options.crashAtMs } : {}),
    });
    await write(`${JSON.stringify({ seed: baseSeed + k, ...report })}\n`);
  }
}
