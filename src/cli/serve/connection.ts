// One client connection: its socket, the commands parsed from what it sent (held while the client
// is blocked — they run in order, later), its per-connection state (name, CLIENT REPLY, MONITOR)
// and its output, written once per event-loop turn.
import type { Socket } from 'node:net';
import { type Bin, type Client, RequestParser } from '../../engine/index.js';

/** Past this many parsed commands waiting to run, reading pauses until the loop catches up. */
const MAX_QUEUED_COMMANDS = 4096;

export interface ConnectionHooks {
  /** Commands (or a protocol error) wait to be run. */
  readable(conn: Connection): void;
  /** The socket is gone, for whatever reason. */
  closed(conn: Connection): void;
}

export class Connection {
  readonly createdAt = Date.now();
  lastInteraction = this.createdAt;
  /** CLIENT SETNAME; null when unnamed. */
  name: Bin | null = null;
  /** The last command this client sent that ran (CLIENT LIST's cmd). */
  lastCommand: readonly Bin[] | null = null;
  /** ERR Protocol error: … — sent after the commands before it ran, then the connection closes. */
  protocolError: string | null = null;
  /** CLIENT_CLOSE_AFTER_REPLY: QUIT, a protocol error, CLIENT KILL of itself. */
  closeAfterReply = false;
  closed = false;
  /** CLIENT REPLY OFF. */
  repliesOff = false;
  /** CLIENT REPLY SKIP: the next command's reply is dropped. */
  skipNextReply = false;
  /** The reply of the command running now is dropped (it follows a CLIENT REPLY SKIP). */
  skippingReply = false;
  monitor = false;
  /** SYNC made it a replica: it gets the replication stream and no replies. */
  replica = false;
  /** When the output first stayed above the soft limit (0: it is below). */
  softLimitSince = 0;
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;
  private readonly parser = new RequestParser();
  private queue: Bin[][] = [];
  /** The bytes each queued command took on the wire, and their sum. */
  private sizes: number[] = [];
  private queuedBytes = 0;
  /** The bytes of the command running now (Redis trims its query buffer only after it). */
  private runningBytes = 0;
  private head = 0;
  /** This turn's output, written with one write() (a rope V8 flattens once). */
  private out = '';
  private paused = false;

  constructor(
    readonly socket: Socket,
    readonly client: Client,
    private readonly hooks: ConnectionHooks,
  ) {
    this.addr = peerId(socket.remoteAddress, socket.remotePort);
    this.laddr = peerId(socket.localAddress, socket.localPort);
    this.fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    // A reset or a broken pipe: 'close' follows, which is all that matters.
    socket.on('error', () => {});
    socket.on('close', () => this.gone());
  }

  get id(): number {
    return this.client.id;
  }

  /** Commands parsed and not yet run. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** CLIENT LIST's qbuf: what Redis's query buffer holds — the running command and all after it. */
  get pendingInput(): number {
    return this.runningBytes + this.queuedBytes + this.parser.pending;
  }

  /** The command taken with nextCommand has run. */
  commandDone(): void {
    this.runningBytes = 0;
  }

  /** Output not yet taken by the kernel: written to the socket, or queued for this turn's write. */
  get pendingOutput(): number {
    return this.socket.writableLength + this.out.length;
  }

  /** Whether the loop has something to do for this client now. */
  get runnable(): boolean {
    return !this.closed && !this.closeAfterReply && !this.client.blocked && (this.head < this.queue.length || this.protocolError !== null);
  }

  /** The next command, in the order they were sent. */
  nextCommand(): Bin[] | undefined {
    if (this.head >= this.queue.length) return undefined;
    this.runningBytes = this.sizes[this.head]!;
    this.queuedBytes -= this.runningBytes;
    const argv = this.queue[this.head++]!;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.sizes = [];
      this.head = 0;
    }
    if (this.paused && this.queued < MAX_QUEUED_COMMANDS / 2) {
      this.paused = false;
      if (this.protocolError === null) this.socket.resume();
    }
    return argv;
  }

  /** Returns a command taken with nextCommand to the front of the queue (it must wait). */
  putBack(argv: Bin[]): void {
    this.queuedBytes += this.runningBytes;
    if (this.head > 0) {
      this.queue[--this.head] = argv;
      this.sizes[this.head] = this.runningBytes;
    } else {
      this.queue.unshift(argv);
      this.sizes.unshift(this.runningBytes);
    }
    this.runningBytes = 0;
  }

  /** Queues bytes to send; they leave with `flush()`, once per turn. */
  send(text: string): void {
    if (!this.closed) this.out += text;
  }

  /** Writes what the turn produced with one write(), then closes if asked to. */
  flush(): void {
    if (this.closed) return;
    if (this.out.length > 0) {
      this.socket.write(Buffer.from(this.out, 'latin1'));
      this.out = '';
    }
    if (this.closeAfterReply) this.closeGracefully();
  }

  /** Sends what is queued, then closes (the client sees its last replies). */
  closeGracefully(): void {
    if (this.closed) return;
    this.markClosed();
    this.socket.end(() => this.socket.destroy());
  }

  /** freeClient: closed at once, whatever is pending. */
  close(): void {
    if (this.closed) return;
    this.markClosed();
    this.socket.destroy();
  }

  private markClosed(): void {
    this.closed = true;
    this.out = '';
    this.queue = [];
    this.sizes = [];
    this.queuedBytes = 0;
    this.head = 0;
    this.hooks.closed(this);
  }

  private received(chunk: Buffer): void {
    if (this.closed || this.protocolError !== null) return;
    this.lastInteraction = Date.now();
    this.parser.push(chunk.toString('latin1'));
    for (;;) {
      const before = this.parser.pending;
      const parsed = this.parser.next();
      if (parsed.kind === 'incomplete') break;
      if (parsed.kind === 'error') {
        // Nothing after a protocol error is read: the client is closed once answered.
        this.protocolError = parsed.message;
        this.socket.pause();
        break;
      }
      this.queue.push(parsed.value);
      const size = before - this.parser.pending;
      this.sizes.push(size);
      this.queuedBytes += size;
    }
    if (this.queued >= MAX_QUEUED_COMMANDS && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    if (this.runnable) this.hooks.readable(this);
  }

  private gone(): void {
    if (this.closed) return;
    this.markClosed();
  }
}

/** getClientPeerId: "ip:port", IPv6 in brackets. */
function peerId(address: string | undefined, port: number | undefined): string {
  const ip = (address ?? '?').replace(/^::ffff:/, '');
  return ip.includes(':') ? `[${ip}]:${port ?? 0}` : `${ip}:${port ?? 0}`;
}
