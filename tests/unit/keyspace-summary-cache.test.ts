// The worker's keyspace summary is computed again exactly when the data may have changed.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/index.js';
import { KeyspaceSummaries } from '../../src/worker/services/keyspace-summary.js';

describe('KeyspaceSummaries', () => {
  it('keeps a summary while nothing changes, and follows writes, expiry, eviction and a new prefix', () => {
    let now = 1_000_000;
    const engine = new Engine({ clock: { now: () => now } });
    const client = engine.createClient();
    const summaries = new KeyspaceSummaries();
    engine.execute(client, ['SET', 'a:1', 'x']);
    const first = summaries.summary(engine, '', []);
    expect(first.keys).toBe(1);
    expect(summaries.summary(engine, '', [])).toBe(first);

    engine.execute(client, ['SET', 'a:2', 'y']);
    const second = summaries.summary(engine, '', []);
    expect(second.keys).toBe(2);
    expect(summaries.summary(engine, 'a:1', []).matchingTotal).toBe(1);

    // A key that expires without any command touching it (active expiry in the cron).
    engine.execute(client, ['PEXPIRE', 'a:2', '10']);
    const beforeExpiry = summaries.summary(engine, '', []);
    now += 1_000;
    for (let i = 0; i < 20 && engine.dbs[0]!.size > 1; i++) engine.activeExpireCycle();
    expect(engine.dbs[0]!.size).toBe(1);
    const afterExpiry = summaries.summary(engine, '', []);
    expect(afterExpiry).not.toBe(beforeExpiry);
    expect(afterExpiry.keys).toBe(1);

    // CONFIG RESETSTAT sets the command count back; the summary still follows the data.
    engine.execute(client, ['CONFIG', 'RESETSTAT']);
    engine.execute(client, ['SET', 'b', 'z']);
    expect(summaries.summary(engine, '', []).keys).toBe(2);
  });
});
