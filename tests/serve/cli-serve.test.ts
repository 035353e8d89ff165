// The CLI's `serve` and `bench-policies` commands as a person runs them: bad command lines get
// the usage and exit code 2, a port in use is one line and exit code 1, and bench-policies
// prints both servers' rates under each policy with the ratios.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { run } from '../support/lab-server.js';

const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], '', 180_000);

describe('npm run cli -- serve', () => {
  it.each([
    [['serve', '--port', 'x']],
    [['serve', '--port', '70000']],
    [['serve', 'extra']],
    [['serve', '--nope']],
    [['serve', '--config', 'appendfsync sometimes']],
    [['bench-policies', '--requests', '0']],
    [['bench-policies', '--tests', 'set;rm']],
  ])('%j exits 2 with a usage message', async (args) => {
    const result = await cli(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: npm run --silent cli -- <command>');
  });

  it('says in one line that the port is taken, and exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const result = await cli('serve', '--port', String(port));
    taken.close();
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^error: .*EADDRINUSE/);
  });
});

describe('npm run cli -- bench-policies', () => {
  it('prints redis-server and the lab under each policy, with each one’s ratios to no persistence', async () => {
    const result = await cli('bench-policies', '--requests', '5000', '--tests', 'set,lpush');
    expect(result.status, result.stderr).toBe(0);
    const rate = String.raw`\s+[\d,]+`;
    for (const policy of ['none', 'everysec', 'always']) {
      for (const test of ['SET', 'LPUSH']) expect(result.stdout).toMatch(new RegExp(`\\n${policy}\\s+${test}${rate}${rate}\\s+\\d+\\.\\d\\d\\n`));
    }
    for (const ratio of ['everysec/none', 'always/none']) {
      for (const test of ['SET', 'LPUSH']) expect(result.stdout).toMatch(new RegExp(`\\n${ratio}\\s+${test}\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d\\n`));
    }
  }, 180_000);
});
