// What a server command returns when the client gets no reply to it (CLIENT REPLY OFF or SKIP,
// MONITOR when already monitoring, a SHUTDOWN that goes ahead).
import type { Reply } from '../../engine/index.js';

export const NO_REPLY: Reply = Object.freeze({ kind: 'status', value: '' });
