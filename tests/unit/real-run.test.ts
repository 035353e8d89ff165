// The pieces verify-real reads a real run with (the server's MONITOR lines and log) and its
// rules for when a real run agrees with the lab's prediction.
import { describe, expect, it } from 'vitest';
import { createServer, Socket } from 'node:net';
import { compare } from '../../src/cli/real/agreement.js';
import { DelayProxy } from '../../src/cli/real/delay-proxy.js';
import type { RealReport } from '../../src/cli/real/judge-real.js';
import { loggedSnapshots, parseMonitorLine } from '../../src/cli/real/workload-log.js';
import type { RunReport } from '../../src/sim/run-scenario.js';

describe('reading a real run', () => {
  it('parses MONITOR lines with sdscatrepr escapes', () => {
    expect(parseMonitorLine('1764633600.123456 [0 127.0.0.1:54321] "SET" "str:1" "a\\"b\\\\c\\x00\\n"')).toEqual({ timeUs: 1764633600123456, port: 54321, argv: ['SET', 'str:1', 'a"b\\c\x00\n'] });
    expect(parseMonitorLine('OK')).toBeNull();
  });

  it('finds the complete snapshots in the server log, with the instant their child was forked', () => {
    const log = [
      '100:M 02 Dec 2025 01:00:00.000 * Ready to accept connections',
      '100:M 02 Dec 2025 01:00:03.512 * Background saving started by pid 200',
      '200:C 02 Dec 2025 01:00:03.530 * DB saved on disk',
      '100:M 02 Dec 2025 01:00:03.612 * Background saving terminated with success',
      '100:M 02 Dec 2025 01:00:07.001 * Background saving started by pid 201',
      '201:C 02 Dec 2025 01:00:07.020 * DB saved on disk',
      '100:M 02 Dec 2025 01:00:09.000 * DB saved on disk',
    ].join('\n');
    expect(loggedSnapshots(log)).toEqual([
      { forkedAtMs: Date.UTC(2025, 11, 2, 1, 0, 3, 512), savedAtMs: Date.UTC(2025, 11, 2, 1, 0, 3, 530), byChild: true },
      { forkedAtMs: Date.UTC(2025, 11, 2, 1, 0, 7, 1), savedAtMs: Date.UTC(2025, 11, 2, 1, 0, 7, 20), byChild: true },
      { forkedAtMs: null, savedAtMs: Date.UTC(2025, 11, 2, 1, 0, 9, 0), byChild: false },
    ]);
  });
});

describe('the delaying link', () => {
  it('hands a chunk on after its delay, and says how long it really held one when this process was busy', async () => {
    const received: number[] = [];
    const echo = createServer((socket) => socket.on('data', () => received.push(performance.now())));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const proxy = await DelayProxy.start((echo.address() as { port: number }).port, 50);
    const client = new Socket();
    try {
      await new Promise<void>((resolve) => client.connect(proxy.port, '127.0.0.1', resolve));
      proxy.measure();
      const sentAt = performance.now();
      client.write('first');
      await expect.poll(() => received.length).toBe(1);
      expect(received[0]! - sentAt).toBeGreaterThanOrEqual(49);
      // A chunk arrives, then the event loop is busy for 300 ms: its timer fires late.
      client.write('second');
      await new Promise((r) => setImmediate(r));
      const busyUntil = performance.now() + 300;
      while (performance.now() < busyUntil);
      await expect.poll(() => received.length).toBe(2);
      expect(proxy.heldMs).toBeGreaterThanOrEqual(250);
    } finally {
      client.destroy();
      await proxy.close();
      echo.close();
    }
  });
});

describe('agreement', () => {
  const lab = (over: Partial<RunReport> = {}): RunReport =>
    ({
      policy: 'aof-everysec',
      crash: 'process',
      crashAtMs: 9_700,
      acknowledgedWrites: 1_000,
      recoveredWrites: 1_000,
      lostWrites: 0,
      lostWindowMs: 0,
      promiseHeld: true,
      verdict: 'Every acknowledged write was recovered.',
      consistent: true,
      recoveryError: null,
      recoveredFrom: 'disk',
      lastSnapshotWrites: 0,
      lastSnapshotAtMs: null,
      stats: { snapshots: 0 },
      ...over,
    }) as RunReport;
  const real = (over: Partial<RealReport> = {}): RealReport =>
    ({
      ...lab(),
      acknowledgedWrites: 998,
      recoveredWrites: 998,
      snapshots: 0,
      unanswered: 2,
      lateMs: 0,
      childOutlivedCrash: false,
      readback: { keys: 10, exact: true },
      ...over,
    }) as RealReport;

  it('agrees when nothing acknowledged was lost on either side, whatever the counts', () => {
    expect(compare(lab(), real())).toEqual({ agrees: true, how: expect.stringMatching(/^agrees: no acknowledged write was lost on either side \(aof-everysec, process crash\); the promise held\. The real run acknowledged 998 writes to the lab's 1,000 \(-2: on the wall clock 2 were still unanswered at the kill\)\.$/) });
  });

  it('differs when one side lost acknowledged writes, broke the promise, is no prefix, or refused its files', () => {
    expect(compare(lab(), real({ recoveredWrites: 990, lostWrites: 8 })).how).toBe('differs: the lab lost 0 acknowledged writes, the real server 8.');
    expect(compare(lab(), real({ promiseHeld: false, verdict: 'Broken.' })).how).toMatch(/^differs: the promise held in the lab but broke on the real server/);
    expect(compare(lab(), real({ consistent: false })).how).toBe('differs: the recovered data is not the state after a prefix of the acknowledged writes on the real server.');
    expect(compare(lab(), real({ recoveryError: 'Bad file format reading the append only file' })).agrees).toBe(false);
    expect(compare(lab(), real({ readback: { keys: 10, exact: false } })).agrees).toBe(false);
  });

  it('snapshots: agrees when the restarts came back to the same snapshot, differs when another had completed', () => {
    const snapLab = lab({ policy: 'rdb', lostWrites: 300, recoveredWrites: 700, lastSnapshotWrites: 700, lastSnapshotAtMs: 6_000, stats: { snapshots: 2 } as RunReport['stats'] });
    expect(compare(snapLab, real({ policy: 'rdb', lostWrites: 310, recoveredWrites: 688, lastSnapshotWrites: 688, lastSnapshotAtMs: 5_950, snapshots: 2 })).how).toMatch(
      /^agrees: on both sides the restart came back to the last completed snapshot \(lab: taken at 6\.00 s, 700 writes; real: taken at 5\.95 s, 688 writes\) and lost exactly the writes acknowledged after it \(lab 300, real 310\)/,
    );
    expect(compare(snapLab, real({ policy: 'rdb', snapshots: 3, childOutlivedCrash: true })).how).toBe(
      'differs: 2 snapshots completed before the crash in the lab, 3 on the real server (a fork child outlived the kill and finished its snapshot, which the lab counts as cancelled), so the restarts came back to different snapshots.',
    );
  });
});
