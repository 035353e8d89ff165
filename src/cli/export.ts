// `export SCENARIO DIR`: the scenario as a folder to run on a real redis-server — its redis.conf,
// the scenario, the workload script and a README of the steps (src/export/).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportFiles, type ExportFile } from '../export/files.js';
import type { Scenario } from '../scenario/scenario.js';
import { loadScenario } from './scenario.js';

/** The standalone workload script, as it ships in every export. */
export function workloadScript(): string {
  return readFileSync(new URL('../export/workload.mjs', import.meta.url), 'utf8');
}

export function scenarioExport(scenario: Scenario): ExportFile[] {
  return exportFiles(scenario, workloadScript());
}

/** Writes the export into `dir` (created if needed); returns the paths written. */
export function writeExport(scenario: Scenario, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return scenarioExport(scenario).map((file) => {
    const path = join(dir, file.name);
    writeFileSync(path, file.text, { mode: file.executable ? 0o755 : 0o644 });
    return path;
  });
}

/** The `export` command: exit code 0, or 1 with one line on stderr. */
export async function exportCommand(args: string[], usage: (message: string) => number): Promise<number> {
  const [source, dir, extra] = args;
  if (source === undefined || dir === undefined || source.startsWith('--') || dir.startsWith('--')) return usage("'export' needs a SCENARIO (a JSON file or a lab link) and a DIR");
  if (extra !== undefined) return usage(`unexpected argument '${extra}'`);
  const scenario = await loadScenario(source);
  for (const path of writeExport(scenario, dir)) process.stdout.write(`${path}\n`);
  return 0;
}
