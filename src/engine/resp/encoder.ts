// RESP2 on the wire: commands as arrays of bulk strings (what the AOF and replicas receive) and
// replies as redis-server sends them. Everything is Bin, so lengths are byte counts.
import type { Bin } from '../bytes.js';
import type { Reply } from './reply.js';

export function encodeCommand(argv: readonly Bin[]): Bin {
  let out = `*${argv.length}\r\n`;
  for (const arg of argv) out += `$${arg.length}\r\n${arg}\r\n`;
  return out;
}

export function encodeReply(reply: Reply): Bin {
  switch (reply.kind) {
    case 'status':
      return `+${reply.value}\r\n`;
    case 'error':
      return `-${reply.value}\r\n`;
    case 'int':
      return `:${reply.value}\r\n`;
    case 'bulk':
      return reply.value === null ? '$-1\r\n' : `$${reply.value.length}\r\n${reply.value}\r\n`;
    case 'array':
      return reply.value === null ? '*-1\r\n' : `*${reply.value.length}\r\n${reply.value.map(encodeReply).join('')}`;
  }
}
