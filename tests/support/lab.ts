// The lab's side of file-format oracle tests: an engine built from commands, and bytes fed to a
// loader in chunks of a chosen size (so records straddle refills).
import { expect } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';

export function labWith(commands: readonly string[][]): Engine {
  const engine = new Engine({ clock: systemClock });
  const client = engine.createClient();
  for (const argv of commands) {
    const reply = engine.execute(client, argv);
    expect(reply.kind, `${argv.join(' ')} → ${JSON.stringify(reply)}`).not.toBe('error');
  }
  return engine;
}

export async function* inChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
