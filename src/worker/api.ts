// What the engine worker can do, as plain async methods. The protocol's request and reply types
// are derived from this object, so a call from the UI is type-checked end to end.
import { binToText, textToBin } from '../engine/bytes.js';
import { applyConfigText, Config } from '../engine/config.js';
import { summarizeKeyspace } from '../engine/keyspace/summary.js';
import { runCliLine } from '../engine/resp/cli-session.js';
import type { PresetId } from '../scenario/presets.js';
import type { CrashKind, Scenario, Workload } from '../scenario/scenario.js';
import type { LiveCrashRecord } from '../sim/live-crash.js';
import type { BackendChoice, LabHost, StartOptions } from './host.js';

export interface ConsoleResult {
  /** The reply as redis-cli prints it on a terminal, without the final newline. */
  text: string;
  isError: boolean;
  /** The client's database after the command, for the prompt. */
  db: number;
  /** Inside MULTI (redis-cli shows "(TX)" in the prompt). */
  inTransaction: boolean;
  /** `clear`: redis-cli cleared the screen. */
  clearScreen: boolean;
  elapsedMs: number;
}

/**
 * redis-cli prints bytes as they are; the console shows them as UTF-8 text when they are, without
 * the terminal's colour codes (help's bold, grey and yellow).
 */
function display(formatted: string): string {
  const plain = formatted.replace(/\x1b\[[0-9;]*m/g, '');
  return binToText(plain) ?? plain;
}

export function makeApi(host: LabHost, now: () => number) {
  let client: ReturnType<NonNullable<LabHost['server']>['engine']['createClient']> | null = null;
  const server = () => {
    if (!host.server) throw new Error('The engine has not started (or its machine lost power).');
    return host.server;
  };
  return {
    async start(options: StartOptions) {
      const info = await host.start(options);
      client = server().engine.createClient();
      return info;
    },
    async execute(line: string): Promise<ConsoleResult | null> {
      const started = now();
      // The line goes through redis-cli's own handling (help, repeat counts, quoting errors).
      const result = await runCliLine(textToBin(line), 'tty', async (argv) => {
        try {
          return await server().execute(client!, argv);
        } catch (e) {
          // An unrecoverable error ends the server as it ends redis-server; nothing more runs.
          host.server = null;
          throw new Error(`The server exited: ${(e as Error).message}. Reload to restart it from its files.`);
        }
      });
      if (result.output === '' && !result.clearScreen) return null;
      return {
        text: display(result.output).replace(/\n$/, ''),
        isError: result.isError,
        clearScreen: result.clearScreen,
        db: client?.db ?? 0,
        inTransaction: (client?.multi ?? null) !== null,
        elapsedMs: now() - started,
      };
    },
    async keyCount(): Promise<number> {
      return host.server ? host.server.engine.dbs.reduce((sum, db) => sum + db.size, 0) : 0;
    },
    async powerLoss(torn: boolean) {
      return host.powerLoss(torn);
    },
    async durability() {
      return host.durability();
    },
    /** speed: virtual ms per wall ms (1 = real time), or null for as fast as possible. */
    async runScenario(scenario: Scenario, backend: BackendChoice, speed: number | null) {
      return host.runScenario(scenario, backend, speed);
    },
    async traceScenario(scenario: Scenario, backend: BackendChoice) {
      return host.traceScenario(scenario, backend);
    },
    async startWorkload(spec: Workload, seed: number) {
      if (!host.workload) throw new Error('The engine has not started.');
      host.workload.start(spec, seed);
      return host.workload.status();
    },
    async stopWorkload() {
      host.workload?.end();
      return host.workload?.status() ?? null;
    },
    async pauseWorkload(paused: boolean) {
      if (paused) host.workload?.pause();
      else host.workload?.resume();
      return host.workload?.status() ?? null;
    },
    /** The crash instant: the workload stops and says what it had acknowledged, and when. */
    async haltForCrash() {
      return (await host.workload?.halt()) ?? null;
    },
    /** In the recovered engine: the crashed one's record judged against what came back. */
    async judgeCrash(record: LiveCrashRecord, crash: CrashKind, failoverLinkDelayMs: number | null) {
      return host.judgeCrash(record, crash, failoverLinkDelayMs);
    },
    async compare(scenario: Scenario, presets: PresetId[], backend: BackendChoice) {
      return host.compare(scenario, presets, backend);
    },
    async exploreCrashes(scenario: Scenario, points: number, backend: BackendChoice) {
      return host.exploreCrashes(scenario, points, backend);
    },
    async lastRewrite() {
      return host.lastRewrite();
    },
    async replicationStatus() {
      return host.replicationStatus();
    },
    async disconnectReplica() {
      host.disconnectReplica();
    },
    async promote() {
      host.promote();
    },
    async backup() {
      return host.backup();
    },
    async listBackups() {
      return host.listBackups();
    },
    async readBackup(name: string) {
      return host.readBackup(name);
    },
    async restoreBackup(name: string) {
      return host.restoreBackup(name);
    },
    async scheduleBackups(seconds: number | null) {
      host.scheduleBackups(seconds);
    },
    async wipeDisk() {
      return host.wipeDisk();
    },
    /** redis.conf text checked line by line, as the editor shows it. */
    async validateConfig(text: string) {
      return applyConfigText(new Config(), text);
    },
    async keyspace(prefix: string) {
      return host.server ? summarizeKeyspace(host.server.engine.dbs, { prefix: textToBin(prefix) }) : null;
    },
    async listFiles() {
      return host.listFiles();
    },
    async setTime(change: { speed?: number; paused?: boolean; stepMs?: number }) {
      return host.setTime(change);
    },
    async archiveFiles() {
      return host.archiveFiles();
    },
    async loadAofUpload(files: { name: string; bytes: Uint8Array }[]) {
      return host.loadAofUpload(files);
    },
    async inspectFile(path: string) {
      return host.inspectFile(path);
    },
    async readFile(path: string) {
      return host.readFile(path);
    },
    async loadRdbUpload(name: string, bytes: Uint8Array) {
      return host.loadRdbUpload(name, bytes);
    },
    async cancelLongWork() {
      host.cancelRun?.();
    },
  };
}

export type WorkerApi = ReturnType<typeof makeApi>;
