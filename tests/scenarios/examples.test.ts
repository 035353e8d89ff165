// Every example in public/scenarios/ has a case folder here (tests/scenarios/<name>/report.json)
// with the report it must give: a change to the engine, the simulator or the judge that moves any
// figure of any example shows up as a diff. UPDATE_SCENARIO_REPORTS=1 rewrites them (then read
// the diff before committing it).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rdbCodec } from '../../src/engine/index.js';
import { validateScenario } from '../../src/scenario/scenario.js';
import { runScenario } from '../../src/sim/run-scenario.js';
import { MemoryStore } from '../../src/storage/memory-store.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'public', 'scenarios');
const CASES = import.meta.dirname;
const update = process.env.UPDATE_SCENARIO_REPORTS === '1';

describe('the example scenarios', () => {
  const names = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));

  it('are all here', () => {
    expect(names.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of names) {
    it(`${name} gives its recorded report`, { timeout: 120_000 }, async () => {
      const parsed = validateScenario(JSON.parse(readFileSync(join(EXAMPLES, `${name}.json`), 'utf8')));
      if (!parsed.ok) throw new Error(parsed.errors.join('; '));
      // recoveryMs is the one wall-clock measurement of a report.
      const { recoveryMs: _measured, ...report } = await runScenario(parsed.scenario, { backend: new MemoryStore(), rdb: rdbCodec });
      const file = join(CASES, name, 'report.json');
      if (update) {
        mkdirSync(join(CASES, name), { recursive: true });
        writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
      }
      if (!existsSync(file)) throw new Error(`No recorded report for ${name}: run UPDATE_SCENARIO_REPORTS=1 npx vitest run tests/scenarios, read it, commit it.`);
      expect(report).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    });
  }
});
