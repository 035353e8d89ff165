// The folder a scenario exports to: its redis.conf, the scenario, the workload script and a
// README of the steps. Plain text, built the same way by the page (as a zip) and the CLI.
import type { Scenario } from '../scenario/scenario.js';
import { exportReadme } from './readme.js';
import { redisConf } from './redis-conf.js';

export interface ExportFile {
  name: string;
  text: string;
  /** A script people run directly. */
  executable?: boolean;
}

/** `workloadScript`: the text of src/export/workload.mjs (the page imports it, the CLI reads it). */
export function exportFiles(scenario: Scenario, workloadScript: string): ExportFile[] {
  return [
    { name: 'README.md', text: exportReadme(scenario) },
    { name: 'redis.conf', text: redisConf(scenario) },
    { name: 'scenario.json', text: `${JSON.stringify(scenario, null, 2)}\n` },
    { name: 'workload.mjs', text: workloadScript, executable: true },
  ];
}
