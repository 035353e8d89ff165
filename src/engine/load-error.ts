// What loading a data file (RDB or AOF) throws: which file, the byte offset, and why, worded as
// Redis words it where Redis has words for it.

export class LoadError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${file}, offset ${offset}: ${reason}`);
  }
}

/** Set `aborted` to stop a long load at its next checkpoint. */
export interface Cancellation {
  readonly aborted: boolean;
}
