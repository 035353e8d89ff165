// The thread a live server's fork child shares with it, in a browser worker or in Node: slices
// timed by performance.now(), and a macrotask between them so commands and timers run.
import type { ChildThread } from '../engine/index.js';

export const hostThread: ChildThread = {
  now: () => performance.now(),
  handBack: () => new Promise((resolve) => setTimeout(resolve, 0)),
};
