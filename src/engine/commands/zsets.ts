import type { CommandSpec } from './types.js';

export const zsetCommands: readonly CommandSpec[] = [];
