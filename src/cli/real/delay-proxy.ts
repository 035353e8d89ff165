// A replication link with a delay, as the lab models one: a loopback TCP proxy between a replica
// and its primary that hands on every chunk `delayMs` after it arrived. When the primary dies,
// what is still on the link is dropped, as the lab drops it at a failover.
import { createServer, Socket, type Server } from 'node:net';

export class DelayProxy {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly sockets: Set<Socket>,
  ) {}

  static async start(targetPort: number, delayMs: number): Promise<DelayProxy> {
    const sockets = new Set<Socket>();
    const server = createServer((downstream) => {
      const upstream = new Socket();
      sockets.add(downstream).add(upstream);
      const timers = new Set<NodeJS.Timeout>();
      const relay = (from: Socket, to: Socket) =>
        from.on('data', (chunk: Buffer) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (!to.destroyed) to.write(chunk);
          }, delayMs);
          timers.add(timer);
        });
      const cut = () => {
        for (const timer of timers) clearTimeout(timer);
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
    return new DelayProxy(server, typeof address === 'object' && address ? address.port : 0, sockets);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
