// The worker's API: its services, each with one job, composed into one object. The page's client
// (LabClient in protocol.ts) is derived from this object's type, so a new call is one method in a
// service. A method may take a CallContext last (its cancel signal and progress); no method has
// optional parameters, since the context always comes after the page's arguments.
import { BackupService } from './services/backups.js';
import { FileService } from './services/files.js';
import { LiveService } from './services/live.js';
import { ReplicationService } from './services/replication.js';
import { RunService } from './services/runs.js';

export function makeLab() {
  const live = new LiveService();
  const files = new FileService(live);
  const backups = new BackupService(live, files);
  const replication = new ReplicationService(live);
  const runs = new RunService();
  live.onServerChange = () => replication.reset();
  const api = { live: live.api, runs: runs.api, files: files.api, backups: backups.api, replication: replication.api };
  return { api, live, files, backups, replication };
}

export type Lab = ReturnType<typeof makeLab>;
export type LabApi = Lab['api'];
