// Replies printed the way redis-cli 7.0 prints them: `formatReplyTty` for a terminal (quoted
// strings, "(integer)", "(nil)", numbered and indented arrays) and `formatReplyRaw` for a pipe.
import type { Bin } from '../bytes.js';
import type { Reply } from './reply.js';
import { quoteRepr } from './repr.js';

/** The terminal form, one line per leaf, each ending in "\n" (cliFormatReplyTTY). */
export function formatReplyTty(reply: Reply, prefix = ''): string {
  switch (reply.kind) {
    case 'error':
      return `(error) ${reply.value}\n`;
    case 'status':
      return `${reply.value}\n`;
    case 'int':
      return `(integer) ${reply.value}\n`;
    case 'bulk':
      return reply.value === null ? '(nil)\n' : `${quoteRepr(reply.value)}\n`;
    case 'array': {
      if (reply.value === null) return '(nil)\n';
      if (reply.value.length === 0) return '(empty array)\n';
      const width = String(reply.value.length).length;
      const childPrefix = prefix + ' '.repeat(width + 2);
      return reply.value
        .map((item, i) => `${i === 0 ? '' : prefix}${String(i + 1).padStart(width)}) ${formatReplyTty(item, childPrefix)}`)
        .join('');
    }
  }
}

/** The pipe form (cliFormatReplyRaw): bare bytes, array items on their own lines, nil empty. */
export function formatReplyRaw(reply: Reply): Bin {
  switch (reply.kind) {
    case 'error':
      return `${reply.value}\n`;
    case 'status':
      return reply.value;
    case 'int':
      return String(reply.value);
    case 'bulk':
      return reply.value ?? '';
    case 'array':
      return (reply.value ?? []).map(formatReplyRaw).join('\n');
  }
}
