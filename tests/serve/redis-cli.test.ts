// redis-cli itself, tty-less, against `cli serve` and against redis-server: for the CLI's script
// and for random differential sequences over every type, the two transcripts are the same bytes
// (and so is the final DEBUG DIGEST each one ends with).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allRules, mixedCommandArb } from '../oracle/groups/all.js';
import { run, useRedisAndLab } from '../support/lab-server.js';

const servers = useRedisAndLab();

/** An argument as redis-cli's line splitter reads it back: quoted, bytes outside ASCII as \xHH. */
function quote(arg: string): string {
  let out = '"';
  for (const ch of arg) {
    const code = ch.charCodeAt(0);
    out += code >= 0x20 && code <= 0x7e && ch !== '"' && ch !== '\\' ? ch : `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return out + '"';
}

async function transcript(port: number, lines: readonly string[]): Promise<string> {
  const result = await run('redis-cli', ['-p', String(port)], lines.join('\n') + '\n');
  if (result.status !== 0) throw new Error(`redis-cli failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** Both servers from an empty dataset, active expiry off (it runs on each server's own timer). */
const PROLOGUE = ['FLUSHALL', 'SELECT 0', 'DEBUG SET-ACTIVE-EXPIRE 0'];

async function sameOnBoth(lines: readonly string[]): Promise<void> {
  const script = [...PROLOGUE, ...lines, 'DISCARD', 'DEBUG DIGEST'];
  const [expected, actual] = await Promise.all([transcript(servers.redis.port, script), transcript(servers.lab.port, script)]);
  expect(actual, script.join('\n')).toBe(expected);
}

describe('redis-cli against cli serve', () => {
  it('prints the same as against redis-server for the CLI script', async () => {
    await sameOnBoth([
      'PING',
      'SET greeting "hello world"',
      'GET greeting',
      'INCR counter',
      'INCRBYFLOAT counter 0.5',
      'RPUSH list a "" "x y" "caf\\xc3\\xa9" "a\\r\\nb"',
      'LRANGE list 0 -1',
      'HSET h f1 v1 f2 v2',
      'ZADD z 1.5 m 2 n',
      'ZRANGE z 0 -1 WITHSCORES',
      'MULTI',
      'INCR counter',
      'EXEC',
      'foo bar',
      'GET',
      'INCR greeting',
      'SELECT 3',
      'DBSIZE',
      'SELECT 0',
      'WATCH greeting',
      'SET greeting changed',
      'MULTI',
      'GET greeting',
      'EXEC',
      'CLIENT SETNAME lab-test',
      'CLIENT GETNAME',
      'CLIENT SETNAME "bad name"',
      'CLIENT GETNAME',
      'ECHO \'single\\\'s\'',
    ]);
  });

  it('prints the same as against redis-server for random sequences over every type', async () => {
    // Commands whose replies are random, unordered or time-dependent are compared by rules in the
    // differential suite; a transcript cannot apply them.
    const deterministic = mixedCommandArb.filter((argv) => !(argv[0]!.toLowerCase() in allRules));
    const sequences = fc.sample(fc.array(deterministic, { minLength: 40, maxLength: 80 }), { numRuns: 25 });
    for (const sequence of sequences) await sameOnBoth(sequence.map((argv) => argv.map(quote).join(' ')));
  });
});
