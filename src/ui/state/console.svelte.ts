// The console's state: the transcript (bounded), the redis-cli style prompt and a shell-like
// history where ArrowUp/ArrowDown walk past entries and the line being typed is kept as a draft.
import type { ConsoleResult } from '../../worker/protocol.js';

export interface ConsoleEntry {
  id: number;
  prompt: string;
  command: string;
  output: string;
  isError: boolean;
}

const MAX_ENTRIES = 500;
const MAX_HISTORY = 200;

export function promptFor(db: number, inTransaction: boolean): string {
  return `127.0.0.1:6379${db === 0 ? '' : `[${db}]`}${inTransaction ? '(TX)' : ''}> `;
}

export class ConsoleState {
  entries = $state.raw<ConsoleEntry[]>([]);
  prompt = $state(promptFor(0, false));
  busy = $state(false);
  private history: string[] = [];
  private cursor = 0;
  private draft = '';
  private nextId = 1;

  constructor(private readonly run: (line: string) => Promise<ConsoleResult | null>) {}

  async submit(line: string): Promise<void> {
    const command = line.trim();
    if (command === '') return;
    if (this.history.at(-1) !== command) this.history = [...this.history, command].slice(-MAX_HISTORY);
    this.cursor = this.history.length;
    this.draft = '';
    const prompt = this.prompt;
    this.busy = true;
    try {
      const result = await this.run(command);
      if (result?.clearScreen) this.clear();
      else if (result) {
        this.append({ prompt, command, output: result.text, isError: result.isError });
        this.prompt = promptFor(result.db, result.inTransaction);
      }
    } catch (e) {
      this.append({ prompt, command, output: `(error) ${(e as Error).message}`, isError: true });
    } finally {
      this.busy = false;
    }
  }

  /** The history line before the current one; `current` is kept as the draft on first use. */
  previous(current: string): string | null {
    if (this.cursor === 0) return null;
    if (this.cursor === this.history.length) this.draft = current;
    this.cursor--;
    return this.history[this.cursor]!;
  }

  next(): string | null {
    if (this.cursor >= this.history.length) return null;
    this.cursor++;
    return this.cursor === this.history.length ? this.draft : this.history[this.cursor]!;
  }

  clear(): void {
    this.entries = [];
  }

  private append(entry: Omit<ConsoleEntry, 'id'>): void {
    this.entries = [...this.entries, { id: this.nextId++, ...entry }].slice(-MAX_ENTRIES);
  }
}
