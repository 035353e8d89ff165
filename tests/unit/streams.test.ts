// XADD * on the engine's clock (what the differential suite cannot compare with redis-server,
// whose clock differs): IDs never go back, and the generated ID is what is propagated.
import { describe, expect, it } from 'vitest';
import { Engine, type PropagatedCommand } from '../../src/engine/engine.js';

describe('XADD with generated IDs', () => {
  it('takes the ms from the clock, counts up within a ms and when the clock goes back, and propagates the ID', () => {
    let now = 1_000;
    const engine = new Engine({ clock: { now: () => now } });
    const client = engine.createClient();
    const propagated: PropagatedCommand[] = [];
    engine.onPropagate((unit) => propagated.push(...unit));
    const add = () => engine.execute(client, ['XADD', 's', '*', 'f', 'v']);
    expect(add()).toEqual({ kind: 'bulk', value: '1000-0' });
    expect(add()).toEqual({ kind: 'bulk', value: '1000-1' });
    now = 999;
    expect(add()).toEqual({ kind: 'bulk', value: '1000-2' });
    now = 2_000;
    expect(engine.execute(client, ['XADD', 's', 'MAXLEN', '~', '0', '*', 'f', 'v'])).toEqual({ kind: 'bulk', value: '2000-0' });
    expect(propagated.map((p) => p.argv)).toEqual([
      ['XADD', 's', '1000-0', 'f', 'v'],
      ['XADD', 's', '1000-1', 'f', 'v'],
      ['XADD', 's', '1000-2', 'f', 'v'],
      // ~ trims whole nodes: the only node (the new entry too) went; replicas apply the length.
      ['XADD', 's', 'MAXLEN', '=', '0', '2000-0', 'f', 'v'],
    ]);
  });
});
