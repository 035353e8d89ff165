// A macrotask turn for long work in the worker: messages and timers get in, without the 4 ms a
// nested setTimeout(0) waits in browsers (a third of the time of a loop that yields every 8 ms).
// Node (tests) has setImmediate for this; its message ports would run a chain of messages before
// any timer.
const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

export function yieldToEvents(): Promise<void> {
  if (immediate) return new Promise((resolve) => void immediate(resolve));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(null);
  });
}
