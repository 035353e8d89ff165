// Export → verify on this machine, against the installed redis-server: every example in
// public/scenarios/ of at most a minute, run for real on the wall clock and killed at its crash
// instant, agrees with the lab's prediction for a process crash. The exported redis.conf is one
// redis-server reads as the lab does, and the CLI's export and verify-real commands behave.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisProcess } from '../../src/cli/real/redis-process.js';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { redisConf } from '../../src/export/redis-conf.js';
import { PRESETS } from '../../src/scenario/presets.js';
import { DEFAULT_SCENARIO, endOf, scenarioConfigText, validateScenario, type Scenario } from '../../src/scenario/scenario.js';
import { REDIS_SERVER } from '../support/redis-server.js';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const scratch = mkdtempSync(join(tmpdir(), 'lab-verify-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

const examples = readdirSync('public/scenarios')
  .sort()
  .map((name) => {
    const result = validateScenario(JSON.parse(readFileSync(join('public/scenarios', name), 'utf8')));
    if (!result.ok) throw new Error(`${name}: ${result.errors.join('; ')}`);
    return { name, scenario: result.scenario };
  });
const short = examples.filter(({ scenario }) => endOf(scenario) <= 60_000);

describe('verify-real', () => {
  it('has an example of at most a minute for every policy', () => {
    const policies = new Set(short.map(({ name }) => name));
    expect(short.length).toBeGreaterThanOrEqual(9);
    for (const name of ['aof-always.json', 'aof-everysec.json', 'aof-no.json', 'none.json', 'hybrid.json', 'rdb-seconds.json', 'rdb-bgsave.json', 'appendonly-at-runtime.json', 'replica-failover.json']) expect(policies).toContain(name);
  });

  /**
   * Each example's verify-real in a process of its own: a save point's clock starts with
   * redis-server, so nothing of another run (a lab run, a judgement) may hold up this one's event
   * loop between the server's start and the workload's.
   */
  async function agrees({ name }: { name: string }) {
    const child = spawn(process.execPath, [...CLI, 'verify-real', join('public/scenarios', name), '--redis-server', REDIS_SERVER, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const line = stdout.trim().split('\n').at(-1) ?? '';
    expect(line.startsWith('{'), `${name}: exit ${status}\n${stdout}${stderr}`).toBe(true);
    const result = JSON.parse(line) as { agrees: boolean; how: string; lab: { acknowledgedWrites: number }; real: { acknowledgedWrites: number; unanswered: number; consistent: boolean; readback: { exact: boolean } | null } };
    const table = `${name}: ${result.how}\n${line}`;
    expect(result.agrees, table).toBe(true);
    expect(status, table).toBe(0);
    expect(result.real.readback?.exact, table).toBe(true);
    expect(result.real.consistent, table).toBe(true);
    // The same writes were sent by the crash instant: those the lab acknowledged are the real
    // run's acknowledged and unanswered ones (in flight at the kill; many on a busy machine),
    // give or take the few in flight around the instant.
    const sent = result.real.acknowledgedWrites + result.real.unanswered;
    expect(Math.abs(sent - result.lab.acknowledgedWrites), table).toBeLessThanOrEqual(Math.max(10, result.lab.acknowledgedWrites * 0.01));
  }

  // Real time: each runs for its crash instant (10–16 s), side by side.
  it.concurrent.each(short.filter(({ scenario }) => !scenario.replica))('$name agrees with the lab under a process crash', agrees, 240_000);

  // Alone: its delaying link's timers run late on a machine busier than it needs to be.
  it.each(short.filter(({ scenario }) => scenario.replica))('$name agrees with the lab under a process crash', agrees, 240_000);
});

describe('the exported redis.conf', () => {
  it.each([...PRESETS.map((p) => ({ ...DEFAULT_SCENARIO, preset: p.id }) as Scenario), { ...DEFAULT_SCENARIO, preset: 'rdb-1h', config: 'save "5 1"\nappendfsync no' } as Scenario])(
    '$preset $config: redis-server reads the same policy from it as the lab',
    async (scenario) => {
      const dir = mkdtempSync(join(scratch, 'conf-'));
      writeFileSync(join(dir, 'redis.conf'), redisConf(scenario));
      const server = await RedisProcess.start({ bin: REDIS_SERVER, configFile: join(dir, 'redis.conf'), args: ['--dir', dir] });
      try {
        const config = new Config();
        expect(applyConfigText(config, scenarioConfigText(scenario))).toEqual([]);
        for (const name of ['appendonly', 'appendfsync', 'save']) {
          const reply = await server.connection.command('CONFIG', 'GET', name);
          expect(reply, name).toEqual({ kind: 'array', value: [{ kind: 'bulk', value: name }, { kind: 'bulk', value: config.get(name) }] });
        }
      } finally {
        await server.killGroup();
      }
    },
  );
});

describe('the CLI', () => {
  it('export writes the folder: README, redis.conf, the scenario and the workload script', () => {
    const dir = join(scratch, 'export');
    const result = cli(['export', 'public/scenarios/rdb-bgsave.json', dir]);
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['README.md', 'redis.conf', 'scenario.json', 'workload.mjs']);
    expect(JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8'))).toEqual(examples.find((e) => e.name === 'rdb-bgsave.json')!.scenario);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('- at 3 s: `BGSAVE`');
    expect(cli(['export', 'public/scenarios/none.json']).status).toBe(2);
  });

  it('verify-real prints both reports side by side and exits 0 when they agree', () => {
    const file = join(scratch, 'short.json');
    writeFileSync(file, JSON.stringify({ ...DEFAULT_SCENARIO, preset: 'aof-always', durationMs: 2_500, events: [{ at: 2_000, kind: 'crash', crash: 'power' }] }));
    const result = cli(['verify-real', file]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^.*\(run\): seed 1, a process crash at 2\.00 s\n\s+lab \(virtual clock\)\s+redis-server 7\.0\.\d+ \(wall clock\)\n\s+policy\s+aof-always\s+aof-always\n/);
    expect(result.stdout).toMatch(/\nagrees: no acknowledged write was lost on either side \(aof-always, process crash\); the promise held\./);
  });

  it('verify-real refuses a run of hours without --long, saying how long it would take, and crashes it cannot make', () => {
    const long = cli(['verify-real', 'public/scenarios/rdb-1h.json']);
    expect(long.status).toBe(2);
    expect(long.stderr).toBe('error: a real run of this scenario takes 3 h 50 min on the wall clock per run (its workload runs until 13,800.437 s), plus starting and restarting redis-server; pass --long to run it anyway\n');
    const power = cli(['verify-real', 'public/scenarios/none.json', '--crash', 'power']);
    expect(power.status).toBe(2);
    expect(power.stderr).toMatch(/^error: --crash must be process or none: a real run kills the process/);
  });
});
