// The server's event loop, as redis-server's: sockets that became readable feed their commands
// to a queue; one turn takes what is ready from every connection (in each one's order, none from
// a blocked client) and runs it with PersistentServer.executeTurn — whose beforeSleep writes the
// turn's AOF bytes with one write() (and one fsync under `always`) — and only then are the turn's
// replies written, one write() per connection. serverCron runs at hz 10 between turns, blocked
// clients time out on time, and SHUTDOWN happens once the turn that asked for it has answered.
import { type Client, encodeReply, error, ERR, type PersistentServer, type Reply } from '../../engine/index.js';
import type { ShutdownRequest } from './connection-commands.js';
import type { Connection } from './connection.js';
import { monitorLine } from './monitor.js';
import type { OutputLimits } from './output-limits.js';
import type { ClientRegistry } from './registry.js';
import { Turn, type TurnHost } from './turn.js';

export interface EventLoopOptions {
  server: PersistentServer;
  clients: ClientRegistry;
  limits: OutputLimits;
  cronIntervalMs: number;
  log(line: string): void;
  /** The loop stopped: after a successful shutdown (null) or a fatal error. */
  stopped(failure: Error | null): void;
}

export class EventLoop {
  private readonly server: PersistentServer;
  private readonly clients: ClientRegistry;
  private readonly ready = new Set<Connection>();
  /** The turn (or cron pass) running now: blocked clients it serves get their replies in it. */
  private current: Turn | null = null;
  private pumping = false;
  private wakeScheduled = false;
  private cronDue = false;
  private timeoutsDue = false;
  private shutdown: ShutdownRequest | null = null;
  private stoppedAlready = false;
  private pausedUntil = 0;
  private pauseWritesOnly = false;
  private readonly cronTimer: NodeJS.Timeout;
  private timeoutTimer: { at: number; timer: NodeJS.Timeout } | null = null;

  constructor(private readonly options: EventLoopOptions) {
    this.server = options.server;
    this.clients = options.clients;
    this.server.engine.onUnblocked((client, reply) => this.unblocked(client, reply));
    this.cronTimer = setInterval(() => {
      this.cronDue = true;
      this.wake();
    }, options.cronIntervalMs);
  }

  /** A connection has commands (or a protocol error) to process. */
  markReady(conn: Connection): void {
    this.ready.add(conn);
    this.wake();
  }

  /** SHUTDOWN or a signal: no more commands run; the shutdown follows the current turn. */
  requestShutdown(request: ShutdownRequest): void {
    if (this.shutdown) return;
    this.shutdown = request;
    this.wake();
  }

  get shuttingDown(): boolean {
    return this.shutdown !== null;
  }

  pause(untilMs: number, writesOnly: boolean): void {
    this.pausedUntil = untilMs;
    this.pauseWritesOnly = writesOnly;
    if (untilMs > 0) setTimeout(() => this.wake(), Math.max(0, untilMs - Date.now()) + 1).unref();
  }

  unpause(): void {
    this.pausedUntil = 0;
    this.wake();
  }

  /** MONITOR: every command that runs is shown to the monitors (installed only while there are some). */
  monitorsChanged(any: boolean): void {
    this.server.engine.commandObserver = any
      ? (client, spec, argv) => {
          const from = this.clients.of(client);
          const line = monitorLine(spec.name, argv, client.db, from?.addr ?? 'lua', Date.now());
          if (line === null) return;
          for (const monitor of this.clients.monitors) monitor.send(line);
        }
      : null;
  }

  private wake(): void {
    if (this.pumping || this.wakeScheduled || this.stoppedAlready) return;
    this.wakeScheduled = true;
    setImmediate(() => void this.pump());
  }

  /** One pass: cron if due, timeouts if due, a turn if anything is ready, then a shutdown if asked. */
  private async pump(): Promise<void> {
    this.wakeScheduled = false;
    if (this.pumping || this.stoppedAlready) return;
    this.pumping = true;
    try {
      if (this.cronDue) {
        this.cronDue = false;
        await this.cron();
      }
      if (this.timeoutsDue) {
        this.timeoutsDue = false;
        await this.collect(async () => void this.server.engine.expireBlockedClients(Date.now()));
      }
      if (this.ready.size > 0 && !this.shutdown) await this.turn();
      if (this.shutdown) await this.shutDown(this.shutdown);
    } catch (e) {
      this.stop(e as Error);
    } finally {
      this.pumping = false;
    }
    if (this.stoppedAlready) return;
    this.armTimeoutTimer();
    if (this.cronDue || this.timeoutsDue || (this.ready.size > 0 && !this.paused())) this.wake();
  }

  private paused(): boolean {
    if (this.pausedUntil === 0) return false;
    if (Date.now() < this.pausedUntil) return true;
    this.pausedUntil = 0;
    return false;
  }

  /** One event-loop turn over every connection that has something to run. */
  private async turn(): Promise<void> {
    const conns = [...this.ready];
    this.ready.clear();
    const turn = new Turn(conns, this.turnHost);
    this.current = turn;
    let replies: Reply[];
    try {
      replies = await this.server.executeTurn(turn);
    } finally {
      this.current = null;
    }
    this.deliver(turn, replies);
  }

  private readonly turnHost: TurnHost = {
    stopping: () => this.shutdown !== null,
    held: (conn, argv) => this.holdWhilePaused(conn, argv),
    requeue: (conn) => this.ready.add(conn),
  };

  /** CLIENT PAUSE: the command waits (put back in front) when the pause covers it. */
  private holdWhilePaused(conn: Connection, argv: string[]): boolean {
    if (!this.paused()) return false;
    if (this.pauseWritesOnly) {
      const spec = this.server.engine.resolve(argv);
      if (typeof spec === 'string' || !spec.write) return false;
    }
    conn.putBack(argv);
    return true;
  }

  /** Sends the replies the turn owes, then writes each connection's output once. */
  private deliver(turn: Turn, replies: readonly Reply[]): void {
    const limits = this.options.limits;
    // Checked as replies are added (closeClientOnOutputBufferLimitReached), not once at the end.
    const touched = turn.queueReplies(replies, (conn) => {
      if (limits.hardExceeded(conn)) this.closeOverLimit(conn);
    });
    for (const monitor of this.clients.monitors) touched.add(monitor);
    for (const replica of this.clients.replicas) touched.add(replica);
    const now = Date.now();
    for (const conn of touched) {
      if (!conn.closed && limits.exceeded(conn, now)) this.closeOverLimit(conn);
      else conn.flush();
    }
  }

  /** A blocked client got its reply (served, timed out, CLIENT UNBLOCK): it leaves with its turn. */
  private unblocked(client: Client, reply: Reply): void {
    const conn = this.clients.of(client);
    if (!conn) return;
    if (this.current) this.current.add(conn, reply);
    else {
      const alone = new Turn([], this.turnHost);
      alone.add(conn, reply);
      this.deliver(alone, []);
    }
    // What it sent while blocked can run now.
    if (conn.runnable) this.markReady(conn);
  }

  /** Runs `work` (no commands of its own) and delivers the replies of clients it unblocked. */
  private async collect(work: () => Promise<void>): Promise<void> {
    const turn = new Turn([], this.turnHost);
    this.current = turn;
    try {
      await work();
    } finally {
      this.current = null;
    }
    this.deliver(turn, []);
  }

  /** serverCron, then clientsCron's idle timeouts and soft output limits. */
  private async cron(): Promise<void> {
    await this.collect(() => this.server.cron());
    const now = Date.now();
    const idleMs = this.server.config.getNumber('timeout') * 1000;
    for (const conn of [...this.clients.all()]) {
      if (idleMs > 0 && !conn.client.blocked && !conn.monitor && !conn.replica && now - conn.lastInteraction > idleMs) {
        this.options.log('Closing idle client');
        conn.close();
      } else if (this.options.limits.exceeded(conn, now)) this.closeOverLimit(conn);
    }
  }

  private closeOverLimit(conn: Connection): void {
    this.options.log(`Client id=${conn.id} addr=${conn.addr} scheduled to be closed ASAP for overcoming of output buffer limits.`);
    conn.close();
  }

  /** A timer for the earliest blocked client's timeout, so it gets its nil on time. */
  private armTimeoutTimer(): void {
    const next = this.server.engine.nextBlockedTimeout();
    if (next === null) {
      if (this.timeoutTimer) clearTimeout(this.timeoutTimer.timer);
      this.timeoutTimer = null;
      return;
    }
    if (this.timeoutTimer && this.timeoutTimer.at <= next) return;
    if (this.timeoutTimer) clearTimeout(this.timeoutTimer.timer);
    // A timeout passes strictly after its instant.
    const at = next + 1;
    this.timeoutTimer = {
      at,
      timer: setTimeout(() => {
        this.timeoutTimer = null;
        this.timeoutsDue = true;
        this.wake();
      }, Math.max(0, at - Date.now())),
    };
  }

  private async shutDown(request: ShutdownRequest): Promise<void> {
    this.options.log('User requested shutdown...');
    try {
      await this.server.shutdown(request.save);
    } catch (e) {
      this.options.log(`Error trying to save the DB: ${(e as Error).message}`);
      if (!request.force) {
        this.options.log("Errors trying to shut down the server. Check the logs for more information.");
        this.shutdown = null;
        const conn = request.requester;
        if (conn && !conn.closed) {
          conn.send(encodeReply(error(ERR.shutdownFailed)));
          conn.flush();
        }
        return;
      }
      this.options.log('Error trying to save the DB. Exit anyway.');
    }
    this.options.log('Redis is now ready to exit, bye bye...');
    this.stop(null);
  }

  /** Stops every timer and connection, once. */
  private stop(failure: Error | null): void {
    if (this.stoppedAlready) return;
    this.stoppedAlready = true;
    clearInterval(this.cronTimer);
    if (this.timeoutTimer) clearTimeout(this.timeoutTimer.timer);
    for (const conn of [...this.clients.all()]) conn.close();
    this.options.stopped(failure);
  }
}
