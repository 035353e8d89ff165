// The lessons, in the order a newcomer takes them.
import type { Lesson } from './lesson.js';
import { AOF_FSYNC, HYBRID, REWRITE } from './aof.js';
import { BACKUPS, REPLICATION, SIX_OPTIONS } from './side-by-side.js';
import { SNAPSHOTS, WHY_PERSIST } from './why-and-snapshots.js';

export type { Lesson, LessonStep, StepResult } from './lesson.js';

export const LESSONS: readonly Lesson[] = [WHY_PERSIST, SNAPSHOTS, AOF_FSYNC, REWRITE, HYBRID, SIX_OPTIONS, REPLICATION, BACKUPS];
