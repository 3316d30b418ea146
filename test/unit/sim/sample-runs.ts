import type { VerdictRow } from '../../../sim/report/index.js';
import type { ReportInput } from '../../../sim/report/index.js';
import { HistoryBuilder } from './history-builder.js';

/** mulberry32: a tiny seeded PRNG, so the sample histories are the same every time. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A contended, well-behaved run: on each resource, holders follow one another, each
 * acquire -> write (accepted) -> release; some attempts fail. Fences and seqs increase.
 */
export function busyRun(options: { seed: number; durationMs: number; resources: number; workers: number; startMs?: number }): HistoryBuilder {
  const random = prng(options.seed);
  const h = new HistoryBuilder();
  const startMs = options.startMs ?? 10_000;
  let lockCounter = 0;
  for (let r = 0; r < options.resources; r += 1) {
    const resource = `r${r}`;
    let t = startMs + random() * 20;
    let fence = 0;
    let seq = 0;
    while (t < startMs + options.durationMs) {
      const worker = Math.floor(random() * options.workers);
      const lockId = `w${worker}-${lockCounter++}`;
      if (random() < 0.1) {
        h.acquireNot({ worker, lockId, resource, invokeMs: t, endMs: t + 3 + random() * 5, type: 'fail' });
        t += 8;
        continue;
      }
      const okMs = t + 1 + random() * 4;
      fence += 1;
      seq += 1;
      h.acquire({ worker, lockId, resource, invokeMs: t, okMs, validUntilMs: t + 988, fence: String(fence) });
      h.write({ worker, lockId, resource, invokeMs: okMs + 2, doneMs: okMs + 12, accepted: true, seq, fence: String(fence), read: seq - 1 });
      const releaseMs = okMs + 15 + random() * 40;
      h.release({ worker, lockId, resource, invokeMs: releaseMs });
      t = releaseMs + 1 + random() * 3;
    }
  }
  return h;
}

/**
 * Kleppmann's clock-jump example on r0: worker 1 holds fence 33; a node's clock jumps,
 * worker 2 gets the lock (fence 34) while worker 1 still believes it holds it; worker 2
 * writes; worker 1's write with fence 33 arrives later and the fenced resource rejects it.
 */
export function kleppmannRun(): HistoryBuilder {
  const h = new HistoryBuilder();
  h.acquire({ worker: 1, lockId: 'w1-a', invokeMs: 1000, okMs: 1004, validUntilMs: 1988, fence: '32' });
  h.write({ worker: 1, lockId: 'w1-a', invokeMs: 1010, doneMs: 1020, accepted: true, seq: 1, fence: '32', read: 0 });
  h.release({ worker: 1, lockId: 'w1-a', invokeMs: 1100 });
  h.acquire({ worker: 1, lockId: 'w1-b', invokeMs: 1200, okMs: 1205, validUntilMs: 2188, fence: '33' });
  h.fault('start', 'clock-jump', 1300, 'node 2 wall clock +2000 ms');
  h.acquire({ worker: 2, lockId: 'w2-a', invokeMs: 1400, okMs: 1406, validUntilMs: 2388, fence: '34' });
  h.fault('stop', 'clock-jump', 1500, 'jump applied');
  h.write({ worker: 2, lockId: 'w2-a', invokeMs: 1450, doneMs: 1460, accepted: true, seq: 2, fence: '34', read: 1 });
  h.release({ worker: 2, lockId: 'w2-a', invokeMs: 1600 });
  h.write({ worker: 1, lockId: 'w1-b', invokeMs: 1700, doneMs: 1710, accepted: false, seq: 0, fence: '33', read: 1 });
  h.release({ worker: 1, lockId: 'w1-b', invokeMs: 1750 });
  h.acquire({ worker: 3, lockId: 'w3-a', invokeMs: 1800, okMs: 1805, validUntilMs: 2788, fence: '35' });
  h.write({ worker: 3, lockId: 'w3-a', invokeMs: 1810, doneMs: 1820, accepted: true, seq: 3, fence: '35', read: 2 });
  h.release({ worker: 3, lockId: 'w3-a', invokeMs: 1900 });
  return h;
}

/** A GC pause inside the critical section: the resumed holder writes late and is rejected. */
export function gcPauseRun(): HistoryBuilder {
  const h = busyRun({ seed: 7, durationMs: 3000, resources: 2, workers: 4, startMs: 0 });
  h.acquire({ worker: 9, lockId: 'w9-pause', resource: 'r9', invokeMs: 500, okMs: 505, validUntilMs: 1488, fence: '1' });
  h.fault('start', 'client-pause', 600, 'SIGSTOP worker 9');
  h.fault('stop', 'client-pause', 2600, 'SIGCONT worker 9');
  h.acquire({ worker: 4, lockId: 'w4-next', resource: 'r9', invokeMs: 1490, okMs: 1500, validUntilMs: 2488, fence: '2' });
  h.write({ worker: 4, lockId: 'w4-next', resource: 'r9', invokeMs: 1510, doneMs: 1520, accepted: true, seq: 1, fence: '2', read: 0 });
  h.release({ worker: 4, lockId: 'w4-next', resource: 'r9', invokeMs: 1600 });
  h.write({ worker: 9, lockId: 'w9-pause', resource: 'r9', invokeMs: 2610, doneMs: 2620, accepted: false, seq: 0, fence: '1', read: 0 });
  return h;
}

export function row(scenario: string, fields: Partial<VerdictRow> = {}): VerdictRow {
  return {
    scenario,
    faults: 'none',
    acquisitions: 1234,
    lockViolations: 0,
    tokenRegressions: 0,
    lostUpdates: 0,
    staleWritesAccepted: 0,
    staleWritesRejected: 0,
    controls: null,
    detection: null,
    availability: 0.987,
    acquireLatencyP50Ms: 3.2,
    acquireLatencyP99Ms: 41.7,
    expected: '0 violations',
    observed: '0 violations',
    pass: true,
    ...fields,
  };
}

/** A report input with a busy baseline, Kleppmann's clock jump and a GC pause. */
export function sampleReportInput(options: { busyDurationMs?: number } = {}): ReportInput {
  return {
    seed: 42,
    command: 'redquorum sim --seed 42',
    generatedAt: '2026-01-01T00:00:00Z',
    scenarios: [
      {
        name: 'baseline',
        description: 'No fault: 8 workers contend on 4 resources.',
        row: row('baseline'),
        history: busyRun({ seed: 1, durationMs: options.busyDurationMs ?? 8000, resources: 4, workers: 8 }).events,
      },
      {
        name: 'clock-jump',
        description: "Kleppmann's example: a node's clock jumps forward while the holder has exactly 3 keys.",
        row: row('clock-jump', {
          faults: 'clock jump +2000 ms on node 2',
          lockViolations: 1,
          staleWritesRejected: 1,
          expected: 'violations found; 0 out-of-order writes accepted',
          observed: '1 violation; 0 out-of-order accepted, 1 stale rejected',
        }),
        history: kleppmannRun().events,
      },
      {
        name: 'client-pause-hold',
        description: 'A worker is SIGSTOPped inside its critical section for longer than the TTL.',
        row: row('client-pause-hold', { faults: 'SIGSTOP worker 9 for 2 s', staleWritesRejected: 1, pass: false, observed: 'something else' }),
        history: gcPauseRun().events,
      },
    ],
  };
}
