import { setTimeout as sleep } from 'node:timers/promises';
import { recordUs } from '../histogram.js';
import { createSample, type WorkloadSample } from './workload-sample.js';
import { nowUs, type WorkloadRun } from './workload.js';

export const CONTENTION_HISTOGRAMS = ['wait'] as const;

/**
 * W workers on one hot key: each asks for the lock, holds it holdMs, releases, thinks
 * thinkMs, and asks again. The wait runs from asking to holding, across acquire calls
 * that gave up (their retries ran out) and were made again, so it is the wait a caller
 * really sees. A wait still open at the deadline is dropped, not recorded.
 */
export async function runContention(run: WorkloadRun): Promise<WorkloadSample> {
  const { workers, holdMs, thinkMs, ttlMs } = run.options;
  const sample = createSample(CONTENTION_HISTOGRAMS, workers);
  const wait = sample.histograms['wait'];
  if (!wait) throw new Error('contention histogram missing');
  const resources = [`${run.keyPrefix}:hot`];
  const meter = await run.startMeter();
  const startUs = nowUs();
  const deadlineUs = startUs + run.durationMs * 1000;
  const open = (): boolean => sample.operations < run.operationsMax && nowUs() < deadlineUs;
  const worker = async (index: number): Promise<void> => {
    while (open()) {
      const askedUs = nowUs();
      let lock: Awaited<ReturnType<typeof run.library.acquire>> | undefined;
      while (lock === undefined && open()) {
        try {
          lock = await run.library.acquire(resources, ttlMs);
        } catch {
          sample.errors += 1;
        }
      }
      if (lock === undefined) return;
      recordUs(wait, nowUs() - askedUs);
      if (holdMs > 0) await sleep(holdMs);
      try {
        await lock.release();
      } catch {
        sample.errors += 1;
      }
      sample.operations += 1;
      sample.perWorker[index] = (sample.perWorker[index] ?? 0) + 1;
      run.onOperation();
      if (thinkMs > 0) await sleep(thinkMs);
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, index) => worker(index)));
  sample.elapsedMs = (nowUs() - startUs) / 1000;
  sample.usage = await meter.stop();
  return sample;
}
