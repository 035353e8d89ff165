// Scenario validation and URLs: good scenarios round-trip, every hostile input gives a clear
// message and the default scenario, never an exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { PRESETS } from '../../src/scenario/presets.js';
import { settingsOfConfigText } from '../../src/scenario/promises.js';
import { DEFAULT_SCENARIO, validateScenario, type Scenario } from '../../src/scenario/scenario.js';
import { decodeScenario, encodeScenario, MAX_ENCODED_LENGTH, scenarioFromHash } from '../../src/scenario/url.js';

const validScenario: fc.Arbitrary<Scenario> = fc.record({
  version: fc.constant(1 as const),
  preset: fc.constantFrom(...PRESETS.map((p) => p.id), 'custom' as const),
  config: fc.string({ maxLength: 100 }),
  workload: fc.record({
    // Within the run's budget: at most 1,000 writes/s × 1,000 s, 256 bytes each.
    rate: fc.integer({ min: 0, max: 1_000 }),
    keys: fc.integer({ min: 1, max: 1_000_000 }),
    distribution: fc.constantFrom('uniform' as const, 'zipf' as const),
    valueSize: fc.integer({ min: 1, max: 256 }),
    mix: fc.record({ set: fc.integer({ min: 1, max: 9 }), incr: fc.nat(9), list: fc.nat(9), hash: fc.nat(9), sadd: fc.nat(9), zadd: fc.nat(9), del: fc.nat(9) }),
  }),
  events: fc
    .array(
      fc.oneof(
        fc.record({ at: fc.nat(100_000), kind: fc.constantFrom('bgsave' as const, 'bgrewriteaof' as const) }),
        fc.record({ at: fc.nat(100_000), kind: fc.constant('config' as const), directive: fc.constantFrom('appendonly yes', 'appendfsync always', 'save "5 1"', 'save ""') }),
      ),
      { maxLength: 5 },
    )
    .map((e) => e.sort((a, b) => a.at - b.at)),
  seed: fc.nat(2 ** 31 - 1),
  durationMs: fc.integer({ min: 1, max: 1_000_000 }),
});

describe('scenarios', () => {
  it('valid scenarios survive a URL round trip unchanged', () => {
    fc.assert(
      fc.property(validScenario, (scenario) => {
        expect(validateScenario(scenario)).toEqual({ ok: true, scenario });
        expect(decodeScenario(encodeScenario(scenario))).toEqual({ scenario, problem: null });
      }),
    );
  });

  it('any string in the URL gives a scenario and at most a message, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.json().map((j) => Buffer.from(j).toString('base64url')), fc.anything().map((a) => Buffer.from(JSON.stringify(a) ?? 'null').toString('base64url'))), (input) => {
        const decoded = decodeScenario(input);
        expect(validateScenario(decoded.scenario).ok).toBe(true);
        if (decoded.problem !== null) {
          expect(decoded.scenario).toBe(DEFAULT_SCENARIO);
          expect(decoded.problem).toMatch(/default scenario is loaded instead$/);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('names the fields that are wrong', () => {
    const bad = { ...DEFAULT_SCENARIO, workload: { ...DEFAULT_SCENARIO.workload, rate: -1, mix: { set: 1, evil: 3 } }, events: [{ at: 5, kind: 'format-disk' }], durationMs: 1e12 };
    const result = validateScenario(bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        'workload.rate must be a number from 0 to 100000',
        'workload.mix has unknown fields: evil',
        'events[0].kind must be crash, bgsave, bgrewriteaof or config',
        'durationMs must be an integer from 1 to 604800000',
      ]),
    );
  });

  it('refuses runs beyond the budget of writes and bytes, saying what to lower', () => {
    const week = { ...DEFAULT_SCENARIO, durationMs: 7 * 24 * 3600 * 1000, workload: { ...DEFAULT_SCENARIO.workload, rate: 100_000 } };
    expect(validateScenario(week)).toEqual({ ok: false, errors: ['workload.rate × durationMs comes to 60,480,000,000 writes; a run holds at most 1,000,000 (lower the rate or the duration)'] });
    const big = { ...DEFAULT_SCENARIO, durationMs: 20_000, workload: { ...DEFAULT_SCENARIO.workload, keys: 1_000_000, valueSize: 1 << 20 } };
    expect(validateScenario(big)).toEqual({ ok: false, errors: ['workload.rate × durationMs × workload.valueSize comes to 4,000 MiB of values; a run writes at most 256 MiB (lower the value size, the rate or the duration)'] });
    const edge = { ...DEFAULT_SCENARIO, durationMs: 10_000, workload: { ...DEFAULT_SCENARIO.workload, rate: 100_000, valueSize: 268 } };
    expect(validateScenario(edge).ok).toBe(true);
    expect(validateScenario({ ...edge, durationMs: 10_001 }).ok).toBe(false);
  });

  it('accepts a replica and checks its fields', () => {
    const withReplica = { ...DEFAULT_SCENARIO, replica: { linkDelayMs: 150, lost: true } };
    expect(validateScenario(withReplica)).toEqual({ ok: true, scenario: withReplica });
    const bad = validateScenario({ ...DEFAULT_SCENARIO, replica: { linkDelayMs: -5, lost: 'yes' } });
    expect(bad.ok ? [] : bad.errors).toEqual(['replica.linkDelayMs must be an integer from 0 to 60000', 'replica.lost must be true or false']);
  });

  it('accepts a directive changed at run time, one redis.conf line', () => {
    const runtime = { ...DEFAULT_SCENARIO, events: [{ at: 4_000, kind: 'config' as const, directive: 'appendonly yes' }, DEFAULT_SCENARIO.events[0]!] };
    expect(validateScenario(runtime)).toEqual({ ok: true, scenario: runtime });
    for (const directive of ['', 'appendonly', ' appendonly yes', 'appendonly yes\nsave ""', 'appendonly yes ', 'x'.repeat(300) + ' 1', 3]) {
      const bad = validateScenario({ ...DEFAULT_SCENARIO, events: [{ at: 1, kind: 'config', directive }] });
      expect(bad.ok ? [] : bad.errors, JSON.stringify(directive)).toEqual(['events[0].directive must be one redis.conf line, a name and its value (e.g. "appendonly yes"), of at most 256 characters']);
    }
  });

  it('reads the policy directives of redis.conf text as the engine reads them', () => {
    const line = fc.oneof(
      fc.constantFrom('yes', 'no').map((v) => `appendonly ${v}`),
      fc.constantFrom('always', 'everysec', 'no').map((v) => `appendfsync ${v}`),
      fc.array(fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.nat(9999)), { maxLength: 3 }).map((points) => `save "${points.flat().join(' ')}"`),
      fc.constantFrom('hz 20', 'aof-use-rdb-preamble no', '# a comment', ''),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        const text = lines.join('\n');
        const config = new Config();
        expect(applyConfigText(config, text)).toEqual([]);
        const settings = settingsOfConfigText(text);
        expect(settings.appendonly).toBe(config.getBool('appendonly'));
        expect(settings.appendfsync).toBe(config.get('appendfsync'));
        expect(settings.save.split(/\s+/).filter(Boolean)).toEqual(config.get('save').split(/\s+/).filter(Boolean));
      }),
    );
  });

  it('refuses oversized links before decoding them', () => {
    const decoded = decodeScenario('A'.repeat(MAX_ENCODED_LENGTH + 1));
    expect(decoded.problem).toMatch(/too long/);
    expect(scenarioFromHash('#s=%%%').problem).toMatch(/not valid base64url/);
    expect(scenarioFromHash('')).toEqual({ scenario: DEFAULT_SCENARIO, problem: null });
  });
});
