// One event-loop turn's commands and the replies it owes. PersistentServer.executeTurn pulls the
// commands one at a time, so each connection gives its next command only while it is still
// runnable (not blocked by the last one, not closing), as processInputBuffer stops reading a
// client; the replies are then sent in the order they arose, once the turn's AOF write is done.
import { BLOCKED, encodeReply, error, type Reply, type TurnCommand } from '../../engine/index.js';
import type { Connection } from './connection.js';
import { NO_REPLY } from './no-reply.js';

/**
 * At most this many commands of one connection run in one turn, as Redis reads at most 16 KiB of
 * a client per event-loop iteration: a long pipeline neither starves the others nor grows one
 * giant reply before the output limits are checked.
 */
const MAX_COMMANDS_PER_TURN = 1024;

export interface TurnHost {
  /** No more commands this turn (a SHUTDOWN ran). */
  stopping(): boolean;
  /** CLIENT PAUSE: true when the command must wait (the connection keeps it). */
  held(conn: Connection, argv: string[]): boolean;
  /** The connection still has commands to run in a later turn. */
  requeue(conn: Connection): void;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

export class Turn implements Iterable<TurnCommand>, Iterator<TurnCommand> {
  // The replies owed, in order, as parallel arrays: one entry per command and per other reply.
  private readonly owners: Connection[] = [];
  /** Null: the next of executeTurn's replies. */
  private readonly given: (Reply | null)[] = [];
  private readonly dropped: boolean[] = [];
  private index = 0;
  private taken = 0;
  /** The connection whose command executeTurn is running (its CLIENT REPLY state is read after). */
  private running: Connection | null = null;
  private runningAt = 0;
  private readonly command = { client: null as unknown as TurnCommand['client'], argv: null as unknown as TurnCommand['argv'] };
  // One result object for every step: executeTurn reads it before asking for the next.
  private readonly step: IteratorYieldResult<TurnCommand> = { done: false, value: this.command };

  constructor(
    private readonly conns: readonly Connection[],
    private readonly host: TurnHost,
  ) {}

  [Symbol.iterator](): Iterator<TurnCommand> {
    return this;
  }

  next(): IteratorResult<TurnCommand> {
    if (this.running) this.ran(this.running);
    while (this.index < this.conns.length) {
      const conn = this.conns[this.index]!;
      if (conn.runnable && this.taken < MAX_COMMANDS_PER_TURN && !this.host.stopping()) {
        const argv = conn.nextCommand();
        if (argv === undefined) {
          // Everything before the protocol error ran; now the error, then the client goes.
          this.add(conn, error(conn.protocolError!));
          conn.closeAfterReply = true;
          continue;
        }
        if (!this.host.held(conn, argv)) {
          conn.lastCommand = argv;
          this.runningAt = this.owners.length;
          this.add(conn, null);
          this.taken++;
          this.running = conn;
          this.command.client = conn.client;
          this.command.argv = argv;
          return this.step;
        }
      }
      // Stopped early (a pause, a shutdown, the per-turn cap) or sent more meanwhile.
      if (conn.runnable) this.host.requeue(conn);
      this.index++;
      this.taken = 0;
    }
    return DONE;
  }

  /** A reply that is not one of the turn's commands' (a blocked client served, a protocol error). */
  add(conn: Connection, reply: Reply | null): void {
    this.owners.push(conn);
    this.given.push(reply);
    this.dropped.push(reply !== null && conn.repliesOff);
  }

  /** CLIENT REPLY, decided once the command ran (it may be the CLIENT REPLY itself). */
  private ran(conn: Connection): void {
    this.running = null;
    conn.commandDone();
    this.dropped[this.runningAt] = conn.repliesOff || conn.skippingReply;
    conn.skippingReply = conn.skipNextReply;
    conn.skipNextReply = false;
  }

  /**
   * Queues every reply on its connection (`replies` are executeTurn's, in command order) and
   * returns the connections that have output or must close; `check` runs after each reply.
   */
  queueReplies(replies: readonly Reply[], check: (conn: Connection) => void): Set<Connection> {
    if (this.running) this.ran(this.running);
    const touched = new Set<Connection>();
    let next = 0;
    for (let i = 0; i < this.owners.length; i++) {
      const conn = this.owners[i]!;
      const reply = this.given[i] ?? replies[next++]!;
      if (conn.closed || this.dropped[i] || reply === BLOCKED || reply === NO_REPLY) {
        if (conn.closeAfterReply) touched.add(conn);
        continue;
      }
      conn.send(encodeReply(reply));
      touched.add(conn);
      check(conn);
    }
    return touched;
  }
}
