// CLIENT and its subcommands as redis-server 7.0 answers them (networking.c clientCommand), over
// the server's connections. The lab has one kind of client (normal), one user (default) and no
// client-side caching, so TRACKING can only be turned off and TYPE/USER filters match accordingly.
import { array, bulk, command, type CommandSpec, type Engine, ERR, fail, int, NIL, OK, parseIntArg, status, type Bin, type Reply } from '../../engine/index.js';
import { clientInfoLine } from './client-info.js';
import type { Connection } from './connection.js';
import type { ClientRegistry } from './registry.js';
import { NO_REPLY } from './no-reply.js';

export interface ClientCommandHost {
  readonly engine: Engine;
  readonly clients: ClientRegistry;
  /** CLIENT PAUSE: no commands (or no writes) run until `untilMs`. */
  pause(untilMs: number, writesOnly: boolean): void;
  unpause(): void;
}

const HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'HELP',
  '    Prints this help.',
];

/** getClientTypeByName: every client of the lab is of type normal. */
function clientTypeMatches(name: Bin): boolean {
  const type = name.toLowerCase();
  if (!['normal', 'slave', 'replica', 'pubsub', 'master'].includes(type)) fail(ERR.unknownClientType(name));
  return type === 'normal';
}

/** clientSetName: printable ASCII without spaces; empty clears the name. */
export function setClientName(conn: Connection, name: Bin): void {
  if ([...name].some((c) => c < '!' || c > '~')) fail(ERR.clientName);
  conn.name = name === '' ? null : name;
}

/** A multi-line text reply (addReplyVerbatim is a bulk string in RESP2). */
const text = (lines: string): Reply => bulk(lines);

export function clientCommand(host: ClientCommandHost): CommandSpec {
  const { engine, clients } = host;
  const self = (ctx: Parameters<CommandSpec['run']>[0]): Connection => {
    const conn = clients.of(ctx.client);
    if (!conn) fail('ERR CLIENT is only available to network clients');
    return conn;
  };
  const sub = (name: string, arity: number, run: CommandSpec['run']) => command({ name: `client|${name}`, arity, run });
  return command({
    name: 'client',
    arity: -2,
    run: () => fail(ERR.syntax),
    subcommands: {
      help: sub('help', 2, () => array(HELP.map(status))),
      id: sub('id', 2, (ctx) => int(self(ctx).id)),
      info: sub('info', 2, (ctx) => text(clientInfoLine(engine, self(ctx), Date.now()) + '\n')),
      list: sub('list', -2, (ctx, argv) => {
        const now = Date.now();
        let selected: Connection[];
        if (argv.length === 4 && argv[2]!.toLowerCase() === 'type') {
          selected = clientTypeMatches(argv[3]!) ? [...clients.all()] : [];
        } else if (argv.length > 3 && argv[2]!.toLowerCase() === 'id') {
          selected = [];
          for (const arg of argv.slice(3)) {
            const id = parseIntArg(arg);
            if (id === null) fail(ERR.invalidClientId);
            const conn = clients.withId(id);
            if (conn) selected.push(conn);
          }
        } else if (argv.length !== 2) fail(ERR.syntax);
        else selected = [...clients.all()];
        return text(selected.map((conn) => clientInfoLine(engine, conn, now) + '\n').join(''));
      }),
      setname: sub('setname', 3, (ctx, argv) => {
        setClientName(self(ctx), argv[2]!);
        return OK;
      }),
      getname: sub('getname', 2, (ctx) => {
        const name = self(ctx).name;
        return name === null ? NIL : bulk(name);
      }),
      reply: sub('reply', 3, (ctx, argv) => {
        const conn = self(ctx);
        switch (argv[2]!.toLowerCase()) {
          case 'on':
            conn.repliesOff = false;
            conn.skipNextReply = false;
            conn.skippingReply = false;
            return OK;
          case 'off':
            conn.repliesOff = true;
            return NO_REPLY;
          case 'skip':
            if (!conn.repliesOff) conn.skipNextReply = true;
            return NO_REPLY;
          default:
            return fail(ERR.syntax);
        }
      }),
      'no-evict': sub('no-evict', 3, (_ctx, argv) => {
        // The lab never evicts clients: both settings are accepted and change nothing.
        if (!['on', 'off'].includes(argv[2]!.toLowerCase())) fail(ERR.syntax);
        return OK;
      }),
      kill: sub('kill', -3, (ctx, argv) => killClients(clients, self(ctx), argv)),
      unblock: sub('unblock', -3, (_ctx, argv) => {
        if (argv.length > 4) fail(ERR.subcommandSyntax(argv[1]!, 'client'));
        let how: 'timeout' | 'error' = 'timeout';
        if (argv.length === 4) {
          const reason = argv[3]!.toLowerCase();
          if (reason !== 'timeout' && reason !== 'error') fail(ERR.unblockReason);
          how = reason;
        }
        const id = parseIntArg(argv[2]!);
        if (id === null) fail(ERR.notInteger);
        const target = clients.withId(id);
        return int(target && engine.unblockClient(target.client, how) ? 1 : 0);
      }),
      pause: sub('pause', -3, (_ctx, argv) => {
        if (argv.length > 4) fail(ERR.subcommandSyntax(argv[1]!, 'client'));
        let writesOnly = false;
        if (argv.length === 4) {
          const mode = argv[3]!.toLowerCase();
          if (mode !== 'write' && mode !== 'all') fail(ERR.pauseMode);
          writesOnly = mode === 'write';
        }
        const ms = parseIntArg(argv[2]!);
        if (ms === null) fail(ERR.timeoutNotInteger);
        if (ms < 0) fail(ERR.timeoutNegative);
        host.pause(ms > 0 ? Date.now() + ms : 0, writesOnly);
        return OK;
      }),
      unpause: sub('unpause', 2, () => {
        host.unpause();
        return OK;
      }),
      tracking: sub('tracking', -3, (_ctx, argv) => {
        const mode = argv[2]!.toLowerCase();
        if (mode === 'off') return OK;
        if (mode !== 'on') fail(ERR.syntax);
        return fail(ERR.trackingUnsupported);
      }),
      caching: sub('caching', 3, () => fail(ERR.cachingWithoutTracking)),
      getredir: sub('getredir', 2, () => int(-1)),
      trackinginfo: sub('trackinginfo', 2, () => array([bulk('flags'), array([bulk('off')]), bulk('redirect'), int(-1), bulk('prefixes'), array([])])),
    },
  });
}

/** CLIENT KILL addr (old form: OK or an error) or CLIENT KILL <filter> <value> … (a count). */
function killClients(clients: ClientRegistry, me: Connection, argv: readonly Bin[]): Reply {
  let addr: Bin | null = null;
  let laddr: Bin | null = null;
  let id = 0;
  let typeMatches = true;
  let skipMe = true;
  if (argv.length === 3) {
    addr = argv[2]!;
    // The old form may kill the caller itself.
    skipMe = false;
  } else {
    for (let i = 2; i < argv.length; i += 2) {
      const option = argv[i]!.toLowerCase();
      const value = argv[i + 1];
      if (value === undefined) fail(ERR.syntax);
      if (option === 'id') {
        const n = parseIntArg(value);
        if (n === null || n < 1) fail(ERR.clientIdPositive);
        id = n;
      } else if (option === 'type') typeMatches = clientTypeMatches(value);
      else if (option === 'addr') addr = value;
      else if (option === 'laddr') laddr = value;
      else if (option === 'user') {
        if (value !== 'default') fail(ERR.noSuchUser(value));
      } else if (option === 'skipme') {
        const yesNo = value.toLowerCase();
        if (yesNo !== 'yes' && yesNo !== 'no') fail(ERR.syntax);
        skipMe = yesNo === 'yes';
      } else fail(ERR.syntax);
    }
  }
  let killed = 0;
  for (const conn of [...clients.all()]) {
    if (addr !== null && conn.addr !== addr) continue;
    if (laddr !== null && conn.laddr !== laddr) continue;
    if (!typeMatches || (id !== 0 && conn.id !== id)) continue;
    if (conn === me && skipMe) continue;
    // The caller gets its reply first, then goes.
    if (conn === me) me.closeAfterReply = true;
    else conn.close();
    killed++;
  }
  if (argv.length === 3) return killed === 0 ? fail(ERR.noSuchClient) : OK;
  return int(killed);
}
