// The scenario as a zip of the folder to run on a real redis-server — its redis.conf (commented
// with what each line promises), the scenario, the workload script and a README: the same files
// `npm run cli -- export` writes, built here in the page (src/export/).
import { exportFiles } from '../export/files.js';
import workloadScript from '../export/workload.mjs?raw';
import { zip } from '../export/zip.js';
import type { Scenario } from '../scenario/scenario.js';
import { downloadBytes } from './download.js';

export function downloadExport(scenario: Scenario): void {
  const folder = `persistence-lab-${scenario.preset}-seed${scenario.seed}`;
  const encoder = new TextEncoder();
  const entries = exportFiles(scenario, workloadScript).map((file) => ({ name: `${folder}/${file.name}`, bytes: encoder.encode(file.text), executable: file.executable ?? false }));
  downloadBytes(`${folder}.zip`, zip(entries));
}
