// What every runtime the lab runs in provides — browsers, their workers and Node 20 alike —
// declared for the code that must run in all of them (the simulator, scenarios, the storage
// core): nothing from the DOM, nothing from Node. Only tsconfig.shared.json includes this file.
declare const performance: { now(): number };
declare function setTimeout(handler: (...args: never[]) => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
declare function btoa(data: string): string;
declare function atob(data: string): string;
interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
}
