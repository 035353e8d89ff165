// redis-benchmark's default suite runs to the end against `cli serve`, test for test as against
// redis-server, with no error from the server.
import { describe, expect, it } from 'vitest';
import { run, useRedisAndLab } from '../support/lab-server.js';

const servers = useRedisAndLab();

/** The default suite, small: [test name, requests per second] per line of its CSV. */
async function benchmark(port: number): Promise<{ tests: [string, number][]; stderr: string }> {
  const result = await run('redis-benchmark', ['-p', String(port), '-n', '2000', '-c', '20', '--csv'], '', 120_000);
  expect(result.status, result.stderr).toBe(0);
  const tests = result.stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [name, rps] = line.split(',').map((f) => f.replace(/"/g, ''));
      return [name!, Number(rps)] as [string, number];
    });
  return { tests, stderr: result.stderr };
}

describe('redis-benchmark against cli serve', () => {
  it('runs its default suite to the end, the same tests as against redis-server', async () => {
    const expected = await benchmark(servers.redis.port);
    const actual = await benchmark(servers.lab.port);
    expect(actual.tests.map(([name]) => name)).toEqual(expected.tests.map(([name]) => name));
    expect(expected.tests.length).toBeGreaterThan(15);
    for (const [name, rps] of actual.tests) expect(rps, name).toBeGreaterThan(0);
    // Nothing on stderr: no server error, no 'Could not fetch server CONFIG'.
    expect(actual.stderr).toBe(expected.stderr);
  }, 240_000);
});
