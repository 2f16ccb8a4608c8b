import type { EmulatorClock } from './clock.js';
import { randomAlphanumeric } from './ids.js';

/**
 * Time-based transitions (ACH settlement, micro-deposit timeouts). A task belongs either to the
 * emulator clock (`clockId: null`, fired by a real timer or when the clock is advanced) or to a
 * test clock (fired only when that test clock advances past `dueAtMs`).
 */
export type TaskKind = 'settle_payment_intent' | 'microdeposit_timeout' | 'microdeposit_failed' | 'settle_refund';

export interface ScheduledTask {
  id: string;
  accountId: string;
  clockId: string | null;
  dueAtMs: number;
  kind: TaskKind;
  targetId: string;
}

export type TaskRunner = (task: ScheduledTask) => void;

const MAX_TIMER_MS = 2_147_483_647;

export class Scheduler {
  private tasks = new Map<string, ScheduledTask>();
  private timers = new Map<string, NodeJS.Timeout>();
  private runner: TaskRunner = () => undefined;

  constructor(private readonly clock: EmulatorClock) {}

  setRunner(runner: TaskRunner): void {
    this.runner = runner;
  }

  schedule(task: Omit<ScheduledTask, 'id'>): ScheduledTask {
    const full: ScheduledTask = { ...task, id: `task_${randomAlphanumeric(12)}` };
    this.tasks.set(full.id, full);
    if (full.clockId === null) this.arm(full);
    return full;
  }

  cancel(targetId: string, kind?: TaskKind): void {
    for (const task of this.tasks.values()) {
      if (task.targetId === targetId && (kind === undefined || task.kind === kind)) this.remove(task.id);
    }
  }

  /** Tasks of one test clock (or the emulator clock) due at or before `untilMs`, earliest first. */
  due(clockId: string | null, untilMs: number): ScheduledTask[] {
    return [...this.tasks.values()]
      .filter((t) => t.clockId === clockId && t.dueAtMs <= untilMs)
      .sort((a, b) => a.dueAtMs - b.dueAtMs);
  }

  run(task: ScheduledTask): void {
    if (!this.tasks.has(task.id)) return;
    this.remove(task.id);
    this.runner(task);
  }

  /** Runs emulator-clock tasks that are due now (after `clock.advance`). */
  runDueGlobal(): void {
    for (const task of this.due(null, this.clock.nowMs())) this.run(task);
  }

  list(): ScheduledTask[] {
    return [...this.tasks.values()];
  }

  /** Replaces all tasks (snapshot load) and re-arms real timers. */
  load(tasks: ScheduledTask[]): void {
    this.clear();
    for (const t of tasks) {
      this.tasks.set(t.id, t);
      if (t.clockId === null) this.arm(t);
    }
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.tasks.clear();
  }

  private arm(task: ScheduledTask): void {
    const delay = Math.max(0, Math.min(task.dueAtMs - this.clock.nowMs(), MAX_TIMER_MS));
    const timer = setTimeout(() => {
      this.timers.delete(task.id);
      if (task.dueAtMs > this.clock.nowMs() + 5) this.arm(task);
      else this.run(task);
    }, delay);
    timer.unref();
    this.timers.set(task.id, timer);
  }

  private remove(id: string): void {
    this.tasks.delete(id);
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
  }
}
