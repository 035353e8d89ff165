import type { CommandSpec } from './types.js';

export const hashCommands: readonly CommandSpec[] = [];
