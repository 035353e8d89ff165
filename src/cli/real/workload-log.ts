// Reads back what the exported workload script recorded: its acks.ndjson (the start, every
// acknowledgement, the events, the crash, the writes left unanswered) and the server's MONITOR
// stream (monitor.log), which says in which order the server really ran the writes.

export interface WorkloadLog {
  start: { epochMs: number; seed: number; clients: number; pipeline: number; crashAtMs: number; ports: number[]; monitorPort: number | null };
  /** Per acknowledged seq: when its reply arrived (ms since the start) and the error, if it was one. */
  acks: Map<number, { at: number; error: string | null }>;
  events: { kind: string; at: number; reply: string; directive?: string; rewrite?: string | null }[];
  crash: { at: number; actions: string[]; lateMs: number };
  end: { at: number; sent: number; acknowledged: number; unanswered: number[]; neverSent: number };
}

export function parseWorkloadLog(text: string): WorkloadLog {
  const log: Partial<WorkloadLog> & Pick<WorkloadLog, 'acks' | 'events'> = { acks: new Map(), events: [] };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const value = JSON.parse(line) as unknown;
    if (Array.isArray(value)) {
      const [seq, at, error] = value as [number, number, string?];
      log.acks.set(seq, { at, error: error ?? null });
    } else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (record.start) log.start = record.start as WorkloadLog['start'];
      else if (record.event) log.events.push(record.event as WorkloadLog['events'][number]);
      else if (record.crash) log.crash = record.crash as WorkloadLog['crash'];
      else if (record.end) log.end = record.end as WorkloadLog['end'];
    }
  }
  if (!log.start || !log.crash || !log.end) throw new Error('the workload log is incomplete (no start, crash or end record): the workload did not finish');
  return log as WorkloadLog;
}

export interface MonitorEntry {
  /** The server's clock when it ran the command, in µs since the epoch. */
  timeUs: number;
  /** The client's port: which connection sent it. */
  port: number;
  argv: string[];
}

/** `1700000000.123456 [0 127.0.0.1:54321] "SET" "k" "v"`, as sdscatrepr quotes the arguments. */
export function parseMonitorLine(line: string): MonitorEntry | null {
  const head = /^(\d+)\.(\d{6}) \[\d+ [^\]]*:(\d+)\] /.exec(line);
  if (!head) return null;
  const argv: string[] = [];
  let i = head[0].length;
  while (i < line.length) {
    if (line[i] === ' ') {
      i++;
      continue;
    }
    if (line[i] !== '"') return null;
    let arg = '';
    for (i++; i < line.length && line[i] !== '"'; i++) {
      if (line[i] !== '\\') {
        arg += line[i];
        continue;
      }
      const c = line[++i];
      if (c === 'x') {
        arg += String.fromCharCode(parseInt(line.slice(i + 1, i + 3), 16));
        i += 2;
      } else arg += c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c === 'a' ? '\x07' : c === 'b' ? '\b' : c;
    }
    i++;
    argv.push(arg);
  }
  return { timeUs: Number(head[1]) * 1e6 + Number(head[2]), port: Number(head[3]), argv };
}

export function parseMonitorLog(text: string): MonitorEntry[] {
  const entries: MonitorEntry[] = [];
  for (const line of text.split('\n')) {
    const entry = parseMonitorLine(line);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** A snapshot the server's log tells of: when its child was forked, and when its file was complete. */
export interface LoggedSnapshot {
  /** ms since the epoch (the log's precision), or null for a save in the main process (SAVE, shutdown). */
  forkedAtMs: number | null;
  savedAtMs: number;
  byChild: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12345:M 26 Nov 2026 10:00:00.123 * message`, the server started with TZ=UTC. */
function parseLogLine(line: string): { pid: number; role: string; atMs: number; message: string } | null {
  const m = /^(\d+):([MSCX]) (\d{2}) (\w{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) . (.*)$/.exec(line);
  if (!m) return null;
  const month = MONTHS.indexOf(m[4]!);
  if (month < 0) return null;
  const atMs = Date.UTC(Number(m[5]), month, Number(m[3]), Number(m[6]), Number(m[7]), Number(m[8]), Number(m[9]));
  return { pid: Number(m[1]), role: m[2]!, atMs, message: m[10]! };
}

/** The snapshots whose file was complete ("DB saved on disk"), in the order they completed. */
export function loggedSnapshots(serverLog: string): LoggedSnapshot[] {
  const forks = new Map<number, number>();
  const done: LoggedSnapshot[] = [];
  for (const raw of serverLog.split('\n')) {
    const line = parseLogLine(raw);
    if (!line) continue;
    const started = /^Background saving started by pid (\d+)/.exec(line.message);
    if (started) forks.set(Number(started[1]), line.atMs);
    else if (line.message === 'DB saved on disk') {
      const byChild = line.role === 'C';
      done.push({ forkedAtMs: byChild ? (forks.get(line.pid) ?? null) : null, savedAtMs: line.atMs, byChild });
    }
  }
  return done;
}
