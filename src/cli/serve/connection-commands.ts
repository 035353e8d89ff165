// The commands about the connection itself, as redis-server 7.0 answers them: HELLO (RESP2
// only), AUTH (the default user has no password), QUIT, RESET, MONITOR and SHUTDOWN — which
// the event loop carries out once the turn's replies have left.
import { array, bulk, command, type CommandSpec, type Engine, ERR, fail, int, OK, parseIntArg, status, type Reply } from '../../engine/index.js';
import { setClientName } from './client-command.js';
import type { Connection } from './connection.js';
import { NO_REPLY } from './no-reply.js';
import type { ClientRegistry } from './registry.js';

export type SaveOnShutdown = 'default' | 'save' | 'nosave';

export interface ShutdownRequest {
  readonly save: SaveOnShutdown;
  /** SHUTDOWN FORCE: exit even when the final save fails. */
  readonly force: boolean;
  /** Who asked (null: a signal); it gets the error if the shutdown fails. */
  readonly requester: Connection | null;
}

export interface ConnectionCommandHost {
  readonly engine: Engine;
  readonly clients: ClientRegistry;
  requestShutdown(request: ShutdownRequest): void;
}

const REDIS_VERSION = '7.0.15';

export function connectionCommands(host: ConnectionCommandHost): CommandSpec[] {
  const { engine, clients } = host;
  const self = (ctx: Parameters<CommandSpec['run']>[0]): Connection => {
    const conn = clients.of(ctx.client);
    if (!conn) fail('ERR this command is only available to network clients');
    return conn;
  };
  return [
    command({
      name: 'hello',
      arity: -1,
      run(ctx, argv) {
        const conn = self(ctx);
        let next = 1;
        if (argv.length >= 2) {
          const version = parseIntArg(argv[next++]!);
          if (version === null) fail(ERR.protocolVersionNotInteger);
          if (version < 2 || version > 3) fail(ERR.noProto);
          if (version === 3) fail(ERR.noResp3);
        }
        for (let j = next; j < argv.length; j++) {
          const option = argv[j]!.toLowerCase();
          const more = argv.length - 1 - j;
          if (option === 'auth' && more >= 2) {
            if (argv[j + 1] !== 'default') fail(ERR.wrongPass);
            j += 2;
          } else if (option === 'setname' && more >= 1) {
            setClientName(conn, argv[j + 1]!);
            j++;
          } else fail(ERR.helloSyntax(argv[j]!));
        }
        const fields: [string, Reply][] = [
          ['server', bulk('redis')],
          ['version', bulk(REDIS_VERSION)],
          ['proto', int(2)],
          ['id', int(conn.id)],
          ['mode', bulk('standalone')],
          ['role', bulk('master')],
          ['modules', array([])],
        ];
        return array(fields.flatMap(([k, v]) => [bulk(k), v]));
      },
    }),
    command({
      name: 'auth',
      arity: -2,
      run(_ctx, argv) {
        if (argv.length > 3) fail(ERR.syntax);
        if (argv.length === 2) fail(ERR.authWithoutPassword);
        // The default user has no password (nopass): any password is right for it.
        if (argv[1] !== 'default') fail(ERR.wrongPass);
        return OK;
      },
    }),
    command({
      name: 'quit',
      arity: -1,
      run(ctx) {
        self(ctx).closeAfterReply = true;
        return OK;
      },
    }),
    command({
      name: 'reset',
      arity: 1,
      run(ctx) {
        // clearClientConnectionState.
        const conn = self(ctx);
        clients.removeMonitor(conn);
        ctx.client.db = 0;
        ctx.client.multi = null;
        ctx.client.dirtyCas = false;
        engine.watches.unwatchAll(ctx.client);
        conn.name = null;
        conn.repliesOff = false;
        conn.skipNextReply = false;
        return status('RESET');
      },
    }),
    command({
      name: 'monitor',
      arity: 1,
      run(ctx) {
        // Inside EXEC a client expects one reply per command (CLIENT_DENY_BLOCKING).
        if (!ctx.mayBlock) fail(ERR.monitorDenyBlocking);
        const conn = self(ctx);
        if (conn.monitor) return NO_REPLY;
        clients.addMonitor(conn);
        return OK;
      },
    }),
    command({
      name: 'shutdown',
      arity: -1,
      noMulti: true,
      run(ctx, argv) {
        let save: SaveOnShutdown = 'default';
        let nosave = false;
        let saveFlag = false;
        let force = false;
        let abort = false;
        let flags = 0;
        for (const arg of argv.slice(1)) {
          const option = arg.toLowerCase();
          if (option === 'nosave') nosave = true;
          else if (option === 'save') saveFlag = true;
          else if (option === 'now') flags++;
          else if (option === 'force') force = true;
          else if (option === 'abort') abort = true;
          else fail(ERR.syntax);
        }
        if ((abort && (nosave || saveFlag || force || flags > 0)) || (nosave && saveFlag)) fail(ERR.syntax);
        // Without replicas to wait for, a shutdown never stays in progress.
        if (abort) fail(ERR.noShutdownInProgress);
        if (nosave) save = 'nosave';
        if (saveFlag) save = 'save';
        host.requestShutdown({ save, force, requester: clients.of(ctx.client) ?? null });
        return NO_REPLY;
      },
    }),
  ];
}
