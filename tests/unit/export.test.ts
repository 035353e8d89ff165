// The export of a scenario: its redis.conf says what each line promises from the one promises
// table; the standalone workload script replays exactly the lab's seeded workload; the zip the
// page builds is one unzip and Python read.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { exportFiles } from '../../src/export/files.js';
import { redisConf } from '../../src/export/redis-conf.js';
import { crc32, zip } from '../../src/export/zip.js';
import { PRESETS } from '../../src/scenario/presets.js';
import { PROMISES, policyOf, settingsOfConfigText } from '../../src/scenario/promises.js';
import { DEFAULT_SCENARIO, scenarioConfigText, validateScenario, type Scenario } from '../../src/scenario/scenario.js';
import { seededWorkload } from '../../src/sim/workload.js';

const SCRIPT = 'src/export/workload.mjs';
const scratch = mkdtempSync(join(tmpdir(), 'lab-export-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const examples = readdirSync('public/scenarios').map((name) => {
  const result = validateScenario(JSON.parse(readFileSync(join('public/scenarios', name), 'utf8')));
  if (!result.ok) throw new Error(`${name}: ${result.errors.join('; ')}`);
  return { name, scenario: result.scenario };
});

describe('redis.conf', () => {
  const scenarios: [string, Scenario][] = [
    ...PRESETS.map((p) => [p.id, { ...DEFAULT_SCENARIO, preset: p.id }] as [string, Scenario]),
    ['custom with overrides', { ...DEFAULT_SCENARIO, preset: 'rdb-1h', config: 'save "5 1"\nappendfsync always\nauto-aof-rewrite-min-size 1mb' }],
    ['custom, nothing stated', { ...DEFAULT_SCENARIO, preset: 'custom', config: '' }],
  ];

  it.each(scenarios)('%s: every directive the lab runs with, in order, each under a comment on what it means', (_, scenario) => {
    const conf = redisConf(scenario);
    const lines = conf.split('\n');
    const directives = scenarioConfigText(scenario).split('\n').filter(Boolean);
    let at = 0;
    for (const directive of directives) {
      const found = lines.indexOf(directive, at);
      expect(found, directive).toBeGreaterThan(at);
      expect(lines[found - 1]).toMatch(/^# \S/);
      at = found;
    }
    // The promise comes from the table, word for word.
    const settings = settingsOfConfigText(scenarioConfigText(scenario));
    expect(conf).toContain(PROMISES[policyOf(settings)].text);
    // What decides the policy is stated even where the scenario leaves Redis's default.
    for (const name of ['appendonly', 'appendfsync', 'save']) expect(lines.some((l) => l.startsWith(`${name} `)), name).toBe(true);
  });

  it('says what an everysec AOF promises beside appendfsync, and what a snapshot policy loses', () => {
    const everysec = redisConf({ ...DEFAULT_SCENARIO, preset: 'aof-everysec' }).split('\n');
    expect(everysec[everysec.indexOf('appendfsync everysec') - 1]).toBe(`# When the AOF reaches the disk (fsync). ${PROMISES['aof-everysec'].text}`);
    const rdb = redisConf({ ...DEFAULT_SCENARIO, preset: 'rdb-1h' });
    expect(rdb).toContain(`# A snapshot (a background save) after 3,600 s if at least 1 write changed the data. ${PROMISES.rdb.text}`);
    expect(rdb).toContain('#   A process crash loses every write since the last completed snapshot.');
  });

  it('tells of a directive the workload changes at run time, and the policy from then on', () => {
    const conf = redisConf({ ...DEFAULT_SCENARIO, preset: 'none', events: [{ at: 4_000, kind: 'config', directive: 'appendonly yes' }] });
    expect(conf).toContain('# At 4.00 s the workload runs CONFIG SET appendonly yes (then CONFIG REWRITE, so a restart keeps it).');
    expect(conf).toContain(`#   The policy: aof-everysec. ${PROMISES['aof-everysec'].text}`);
  });
});

describe('the workload script', () => {
  /** The script's first `count` writes (its --print mode) for `scenario`. */
  function printed(scenario: Scenario, count: number): { seq: number; at: number; client: number; argv: string[] }[] {
    const file = join(scratch, `scenario-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(scenario));
    const result = spawnSync(process.execPath, [SCRIPT, '--scenario', file, '--print', String(count)], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    return result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
  }

  /** The lab's own: the same generator runScenario draws from, clients taken in turn. */
  function lab(scenario: Scenario, count: number) {
    const generator = seededWorkload(scenario.workload, scenario.seed);
    const out = [];
    let at = 0;
    for (let seq = 1; seq <= count; seq++) {
      at += generator.nextGap();
      out.push({ seq, at, client: (seq - 1) % (scenario.workload.clients ?? 50), argv: generator.next() });
    }
    return out;
  }

  function expectSame(scenario: Scenario, count: number) {
    const script = printed(scenario, count);
    const expected = lab(scenario, count);
    expect(script.map(({ at: _, ...w }) => w)).toEqual(expected.map(({ at: _, ...w }) => w));
    script.forEach((w, i) => expect(w.at).toBeCloseTo(expected[i]!.at, 6));
  }

  it.each(examples)('$name: the same first 2,000 writes as the lab, at the same instants, on the same connections', ({ scenario }) => expectSame(scenario, 2_000));

  it('any workload: the same writes as the lab', () => {
    const workload = fc.record({
      rate: fc.integer({ min: 1, max: 5_000 }),
      keys: fc.integer({ min: 1, max: 5_000 }),
      distribution: fc.constantFrom('uniform' as const, 'zipf' as const),
      valueSize: fc.integer({ min: 1, max: 100 }),
      mix: fc.record({ set: fc.integer({ min: 1, max: 9 }), incr: fc.nat(9), list: fc.nat(9), hash: fc.nat(9), sadd: fc.nat(9), zadd: fc.nat(9), del: fc.nat(9) }),
      clients: fc.integer({ min: 1, max: 100 }),
      pipeline: fc.integer({ min: 1, max: 16 }),
    });
    fc.assert(
      fc.property(workload, fc.nat(2 ** 31 - 1), (w, seed) => expectSame({ ...DEFAULT_SCENARIO, workload: w, seed }, 300)),
      { numRuns: 15 },
    );
  });

  it('--seed replays another seed, as the lab does for run k', () => {
    const file = join(scratch, 'seeded.json');
    writeFileSync(file, JSON.stringify(DEFAULT_SCENARIO));
    const out = execFileSync(process.execPath, [SCRIPT, '--scenario', file, '--print', '50', '--seed', '9'], { encoding: 'utf8' });
    expect(out.trim().split('\n').map((l) => JSON.parse(l).argv)).toEqual(lab({ ...DEFAULT_SCENARIO, seed: 9 }, 50).map((w) => w.argv));
  });
});

describe('the zip', () => {
  it('computes CRC-32 as zip does', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it('is a folder unzip tests and Python reads back byte for byte, the script executable', () => {
    const files = exportFiles(DEFAULT_SCENARIO, readFileSync(SCRIPT, 'utf8'));
    const encoder = new TextEncoder();
    const bytes = zip(files.map((f) => ({ name: `export/${f.name}`, bytes: encoder.encode(f.text), executable: f.executable ?? false })), new Date(2026, 10, 26, 10, 30, 14));
    const path = join(scratch, 'export.zip');
    writeFileSync(path, bytes);
    execFileSync('unzip', ['-tq', path]);
    const read = JSON.parse(
      execFileSync('python3', ['-c', 'import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(json.dumps({i.filename: [z.read(i).decode(), i.external_attr >> 16, list(i.date_time)] for i in z.infolist()}))', path], { encoding: 'utf8' }),
    ) as Record<string, [string, number, number[]]>;
    expect(Object.keys(read)).toEqual(files.map((f) => `export/${f.name}`));
    for (const file of files) {
      const [text, mode, date] = read[`export/${file.name}`]!;
      expect(text).toBe(file.text);
      expect(mode).toBe(file.executable ? 0o100755 : 0o100644);
      expect(date).toEqual([2026, 11, 26, 10, 30, 14]);
    }
  });
});
