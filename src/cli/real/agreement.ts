// Whether a real run agrees with the lab's prediction for the same scenario, and how, in words.
// A wall-clock run is not the virtual one: writes arrive and are answered a little off the
// lab's instants, so counts differ by the writes in flight around the crash, and a save point's
// snapshot starts on the server's own cron tick. What is compared is what a policy promises:
//   - the recovered data is the state after a prefix of the acknowledged writes, on both sides;
//   - the promise held on both sides (or broke on both), and a restart refused its files on both or neither;
//   - AOF policies: whether any acknowledged write was lost;
//   - snapshots (and no persistence): the restart came back to the same snapshot — as many had
//     completed before the crash — and lost exactly the writes acknowledged after it, on each side;
//   - a failover: on each side only writes from the last link delay were lost.
import type { RunReport } from '../../sim/run-scenario.js';
import type { RealReport } from './judge-real.js';

export interface Agreement {
  agrees: boolean;
  /** One line: "agrees: …" or "differs: …". */
  how: string;
}

const n = (value: number) => value.toLocaleString('en-US');
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function countsNote(lab: RunReport, real: RealReport): string {
  const diff = real.acknowledgedWrites - lab.acknowledgedWrites;
  const late = real.lateMs >= 1 ? `, its timers up to ${n(Math.round(real.lateMs))} ms late` : '';
  return diff === 0
    ? `Both acknowledged ${n(lab.acknowledgedWrites)} writes.`
    : `The real run acknowledged ${n(real.acknowledgedWrites)} writes to the lab's ${n(lab.acknowledgedWrites)} (${diff > 0 ? '+' : ''}${n(diff)}: on the wall clock ${n(real.unanswered)} ${real.unanswered === 1 ? 'was' : 'were'} still unanswered at the kill${late}).`;
}

export function compare(lab: RunReport, real: RealReport): Agreement {
  const differs = (why: string): Agreement => ({ agrees: false, how: `differs: ${why}` });
  const labRefused = lab.recoveryError !== null;
  const realRefused = real.recoveryError !== null;
  if (labRefused !== realRefused) return differs(labRefused ? `the lab's restart refused its files (${lab.recoveryError}); redis-server loaded them.` : `redis-server refused its files on restart; the lab's restart loaded them. ${real.recoveryError}`);
  if (labRefused) return { agrees: true, how: `agrees: the restart refused the files on both sides. ${countsNote(lab, real)}` };
  if (real.readback && !real.readback.exact) return differs('the dataset read back from redis-server does not have its DEBUG DIGEST; the comparison cannot be trusted.');
  if (!lab.consistent || !real.consistent) return differs(`the recovered data is not the state after a prefix of the acknowledged writes ${!real.consistent ? (!lab.consistent ? 'on either side' : 'on the real server') : 'in the lab'}.`);
  if (lab.promiseHeld !== real.promiseHeld) return differs(`the promise ${lab.promiseHeld ? 'held in the lab but broke on the real server' : 'broke in the lab but held on the real server'}: lab — ${lab.verdict} Real — ${real.verdict}`);
  const held = lab.promiseHeld ? 'held' : 'broke';
  if (lab.recoveredFrom === 'replica') {
    const loss = (r: RunReport | RealReport) => (r.lostWrites === 0 ? 'nothing' : `${n(r.lostWrites)} writes from the last ${n(r.lostWindowMs)} ms`);
    return { agrees: true, how: `agrees: the replica took over on both sides and the promise ${held}: the lab lost ${loss(lab)}, the real replica ${loss(real)}. ${countsNote(lab, real)}` };
  }
  if (real.policy !== lab.policy) return differs(`the policy at the crash is ${lab.policy} in the lab and ${real.policy} on the real server.`);
  if (/^aof/.test(lab.policy)) {
    if ((lab.lostWrites === 0) !== (real.lostWrites === 0)) return differs(`the lab lost ${n(lab.lostWrites)} acknowledged writes, the real server ${n(real.lostWrites)}.`);
    return {
      agrees: true,
      how: `agrees: ${lab.lostWrites === 0 ? 'no acknowledged write was lost on either side' : `acknowledged writes were lost on both sides (lab ${n(lab.lostWrites)}, real ${n(real.lostWrites)})`} (${lab.policy}, ${lab.crash === 'none' ? 'clean shutdown' : 'process crash'}); the promise ${held}. ${countsNote(lab, real)}`,
    };
  }
  if (lab.stats.snapshots !== real.snapshots) {
    const outlived = real.childOutlivedCrash ? ' (a fork child outlived the kill and finished its snapshot, which the lab counts as cancelled)' : '';
    return differs(`${n(lab.stats.snapshots)} snapshots completed before the crash in the lab, ${n(real.snapshots)} on the real server${outlived}, so the restarts came back to different snapshots.`);
  }
  const point = (at: number | null, writes: number) => (at === null ? 'none had completed' : `taken at ${s(at)}, ${n(writes)} writes`);
  return {
    agrees: true,
    how: `agrees: on both sides the restart came back to the last completed snapshot (lab: ${point(lab.lastSnapshotAtMs, lab.lastSnapshotWrites)}; real: ${point(real.lastSnapshotAtMs, real.lastSnapshotWrites)}) and lost exactly the writes acknowledged after it (lab ${n(lab.lostWrites)}, real ${n(real.lostWrites)}); the promise ${held}. ${countsNote(lab, real)}`,
  };
}
