// proto-max-bulk-len for SETRANGE and APPEND: redis-server's bound and error exactly, and the
// lab's own clear refusal for the 24 bytes below it that a JavaScript string cannot hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { MAX_JS_STRING_LENGTH } from '../../src/engine/commands/strings.js';
import { Engine } from '../../src/engine/engine.js';
import { runDifferential } from '../support/differential.js';
import { RedisServer } from '../support/redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(async () => {
  await server?.stop();
});

describe('string length limits', () => {
  it('refuses what redis refuses, with its error, at its bound (512 MB)', async () => {
    const result = await runDifferential(server, [
      ['SETRANGE', 'k', '536870912', 'x'],
      ['SETRANGE', 'k', '536870911', 'xy'],
      ['SETRANGE', 'k', '9223372036854775807', 'x'],
      ['SETRANGE', 'k', '536870912', ''],
      ['SET', 'k', 'abc'],
      ['SETRANGE', 'k', '536870910', 'xyz'],
      ['SETRANGE', 'k', '-1', 'x'],
      ['EXISTS', 'k'],
    ]);
    expect(result.message).toBe('');
  });

  it('refuses a string V8 cannot hold with its own error, not an internal one, and keeps the key', () => {
    const lab = new Engine({ clock: systemClock });
    const client = lab.createClient();
    const refusal = { kind: 'error', value: `ERR string exceeds the lab's maximum size (${MAX_JS_STRING_LENGTH} bytes, the JavaScript engine's limit; redis-server allows 536870912)` };
    expect(lab.execute(client, ['SETRANGE', 'k', String(MAX_JS_STRING_LENGTH), 'x'])).toEqual(refusal);
    expect(lab.execute(client, ['SETRANGE', 'k', '536870911', 'x'])).toEqual(refusal);
    expect(lab.execute(client, ['SETRANGE', 'k', String(MAX_JS_STRING_LENGTH - 1), 'x'])).toEqual({ kind: 'int', value: MAX_JS_STRING_LENGTH });
    expect(lab.execute(client, ['APPEND', 'k', 'y'])).toEqual(refusal);
    expect(lab.execute(client, ['STRLEN', 'k'])).toEqual({ kind: 'int', value: MAX_JS_STRING_LENGTH });
  });
});
