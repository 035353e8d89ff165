// `serve`: the engine behind a RESP2 server on a TCP port, so redis-cli, redis-benchmark, client
// libraries and Redis's own test suite talk to it. With --dir it persists there exactly as
// `exec --dir` does. SIGINT/SIGTERM shut it down as redis-server does (a final save when save
// points are configured); a second SIGINT exits at once.
import { createServer, type Server, type Socket } from 'node:net';
import { type Config, encodeReply, error, ERR, type PersistentServer } from '../../engine/index.js';
import { CRON_INTERVAL_MS, startPersistentServer } from '../persistent-server.js';
import { clientCommand } from './client-command.js';
import { connectionCommands } from './connection-commands.js';
import { debugSleepCommand } from './debug-sleep.js';
import { syncCommand } from './sync-command.js';
import { Connection } from './connection.js';
import { EventLoop } from './event-loop.js';
import { OutputLimits } from './output-limits.js';
import { ClientRegistry } from './registry.js';

export interface ServeOptions {
  port: number;
  bind: string;
  dir: string | undefined;
  config: Config;
  log?: (line: string) => void;
  /** Called once the port accepts connections, with the port actually bound (0 picks one). */
  listening?: (port: number) => void;
  /** Handle SIGINT/SIGTERM (the CLI does; tests that run several servers in one process do not). */
  signals?: boolean;
}

export interface RunningServer {
  readonly port: number;
  /** The persistent server behind the socket (its events, its engine). */
  readonly server: PersistentServer;
  /** Resolves when the server has shut down (rejects on a fatal error, e.g. an AOF write failing under always). */
  readonly done: Promise<void>;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`# ${line}\n`));
  const server = await startPersistentServer(options.config, options.dir, log);
  const engine = server.engine;
  let loop: EventLoop | null = null;
  const clients = new ClientRegistry((any) => loop?.monitorsChanged(any));
  const limits = new OutputLimits(server.config);
  let finish: (failure: Error | null) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = (failure) => (failure ? reject(failure) : resolve());
  });
  const listener: Server = createServer();
  const port = await new Promise<number>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen({ port: options.port, host: options.bind, backlog: 511 }, () => {
      listener.off('error', reject);
      const address = listener.address();
      resolve(typeof address === 'object' && address ? address.port : options.port);
    });
  }).catch(async (e: Error) => {
    await server.shutdown('nosave');
    throw e;
  });
  const running = new EventLoop({
    server,
    clients,
    limits,
    cronIntervalMs: CRON_INTERVAL_MS,
    log,
    stopped: (failure) => {
      listener.close();
      removeSignalHandlers();
      if (failure) log(`Fatal error: ${failure.message}`);
      finish(failure);
    },
  });
  loop = running;
  engine.registerCommands([
    clientCommand({ engine, clients, pause: (until, writes) => running.pause(until, writes), unpause: () => running.unpause() }),
    ...connectionCommands({ engine, clients, requestShutdown: (request) => running.requestShutdown(request) }),
    debugSleepCommand(server),
    syncCommand(server, clients),
  ]);
  engine.infoProviders.set('cpu', () => {
    const usage = process.cpuUsage();
    const seconds = (micros: number) => (micros / 1e6).toFixed(6);
    // One thread does the work: the main thread's figures are the process's.
    return [
      ['used_cpu_sys', seconds(usage.system)],
      ['used_cpu_user', seconds(usage.user)],
      ['used_cpu_sys_children', '0.000000'],
      ['used_cpu_user_children', '0.000000'],
      ['used_cpu_sys_main_thread', seconds(usage.system)],
      ['used_cpu_user_main_thread', seconds(usage.user)],
    ];
  });
  engine.infoProviders.set('clients', () => [
    ['connected_clients', clients.size],
    ['cluster_connections', 0],
    ['maxclients', server.config.getNumber('maxclients')],
    ['client_recent_max_input_buffer', 0],
    ['client_recent_max_output_buffer', 0],
    ['blocked_clients', engine.blockedClients.length],
    ['tracking_clients', 0],
    ['clients_in_timeout_table', engine.blockedClients.filter((c) => c.blocked?.timeout !== 0).length],
  ]);

  const hooks = {
    readable: (conn: Connection) => running.markReady(conn),
    closed: (conn: Connection) => {
      clients.remove(conn);
      engine.disconnectClient(conn.client);
    },
  };
  listener.on('connection', (socket: Socket) => {
    if (running.shuttingDown) {
      socket.destroy();
      return;
    }
    if (clients.size >= server.config.getNumber('maxclients')) {
      socket.end(encodeReply(error(ERR.maxClients)), 'latin1');
      return;
    }
    const client = engine.createClient();
    client.canBlock = true;
    clients.add(new Connection(socket, client, hooks));
  });

  const onSignal = (signal: NodeJS.Signals) => {
    if (running.shuttingDown && signal === 'SIGINT') {
      log('You insist... exiting now.');
      process.exit(1);
    }
    log(`Received ${signal} scheduling shutdown...`);
    running.requestShutdown({ save: 'default', force: false, requester: null });
  };
  const removeSignalHandlers = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  if (options.signals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  log(`Ready to accept connections on ${options.bind}:${port}${options.dir === undefined ? ' (no --dir: files are kept in memory)' : ` (dir ${options.dir})`}`);
  options.listening?.(port);
  return { port, server, done };
}
