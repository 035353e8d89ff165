import type { CommandSpec } from './types.js';

export const setCommands: readonly CommandSpec[] = [];
