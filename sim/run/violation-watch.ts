import { monotonicMs } from '../../src/clock.js';
import { checkMutex } from '../checker/mutex.js';
import { checkRegister } from '../checker/register.js';
import type { HistoryEvent, RegisterKind } from '../history/types.js';
import type { WorkerConfig } from '../workload/worker-config.js';
import { HistoryTail } from './history-tail.js';

// How often an unsafe row's histories are read to count its violations so far.
const VIOLATION_POLL_MS = 500;

/**
 * Reads the histories while the workers run and calls `enough` once the run's duration
 * has passed (`notBeforeMs`), the lock checker counts `minViolations` and, when the controls must be caught, every control register
 * (write-check, none) shows its anomaly. Ends when `signal` aborts.
 */
export async function watchViolations(
  configs: readonly WorkerConfig[],
  minViolations: number,
  controls: readonly RegisterKind[],
  notBeforeMs: number,
  signal: AbortSignal,
  enough: () => void,
): Promise<void> {
  const tail = new HistoryTail(configs.map((config) => config.historyPath));
  const controlGroups = new Map<RegisterKind, Set<number>>();
  {
    for (const config of configs) {
      for (const kind of [config.register, ...config.controlRegisters]) {
        if (!controls.includes(kind)) continue;
        const groups = controlGroups.get(kind) ?? new Set<number>();
        groups.add(config.group);
        controlGroups.set(kind, groups);
      }
    }
  }
  const locks: HistoryEvent[] = [];
  const writers = new Set([...controlGroups.values()].flatMap((groups) => [...groups]));
  const written: HistoryEvent[] = [];
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, VIOLATION_POLL_MS);
      signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
    if (signal.aborted) return;
    for (const event of tail.readNew()) {
      if (event.kind !== 'op') continue;
      if (event.f !== 'write') locks.push(event);
      if (writers.has(event.group)) written.push(event);
    }
    // The row runs at least the run's duration, like every row, and longer only to find its evidence.
    if (monotonicMs() < notBeforeMs) continue;
    try {
      if (checkMutex(locks, { maxViolationsListed: 0 }).details.violationCount < minViolations) continue;
      const caught = [...controlGroups].every(
        ([kind, groups]) => !checkRegister(written.filter((e) => e.kind === 'op' && groups.has(e.group)), { register: kind, maxExamples: 0 }).valid,
      );
      if (caught) {
        enough();
        return;
      }
    } catch {
      // A history caught mid-write may not check yet; the next look will, and the verdict uses the final read.
    }
  }
}
