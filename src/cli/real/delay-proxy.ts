// A replication link with a delay, as the lab models one: a loopback TCP proxy between a replica
// and its primary that hands on every chunk `delayMs` after it arrived. When the primary dies,
// what is still on the link is dropped, as the lab drops it at a failover. Its timers run on this
// process's event loop, so on a busy machine a chunk can stay longer: heldMs says how long at most.
import { createServer, Socket, type Server } from 'node:net';

export class DelayProxy {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly sockets: Set<Socket>,
    private readonly held: { maxMs: number },
    private readonly delayMs: number,
  ) {}

  /** The longest a chunk stayed on the link since `measure`, delivered or dropped with it (at least the delay). */
  get heldMs(): number {
    return this.held.maxMs;
  }

  /** Measures heldMs from now on (the initial sync before the workload does not count). */
  measure(): void {
    this.held.maxMs = this.delayMs;
  }

  static async start(targetPort: number, delayMs: number): Promise<DelayProxy> {
    const sockets = new Set<Socket>();
    const held = { maxMs: delayMs };
    const hold = (arrivedAt: number) => (held.maxMs = Math.max(held.maxMs, performance.now() - arrivedAt));
    const server = createServer((downstream) => {
      const upstream = new Socket();
      sockets.add(downstream).add(upstream);
      /** The chunks on the link: their timers and when each arrived. */
      const timers = new Map<NodeJS.Timeout, number>();
      const relay = (from: Socket, to: Socket) =>
        from.on('data', (chunk: Buffer) => {
          const arrivedAt = performance.now();
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (to.destroyed) return;
            hold(arrivedAt);
            to.write(chunk);
          }, delayMs);
          timers.set(timer, arrivedAt);
        });
      const cut = () => {
        for (const [timer, arrivedAt] of timers) {
          clearTimeout(timer);
          hold(arrivedAt);
        }
        timers.clear();
        upstream.destroy();
        downstream.destroy();
      };
      for (const socket of [upstream, downstream]) {
        socket.on('error', cut);
        socket.on('close', cut);
        socket.setNoDelay(true);
      }
      relay(downstream, upstream);
      relay(upstream, downstream);
      upstream.connect(targetPort, '127.0.0.1');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    return new DelayProxy(server, typeof address === 'object' && address ? address.port : 0, sockets, held, delayMs);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
