import { recordUs } from '../histogram.js';
import { attemptCount } from '../libraries/lock-library.js';
import { createSample, type WorkloadSample } from './workload-sample.js';
import { nowUs, type WorkloadRun } from './workload.js';

export const THROUGHPUT_HISTOGRAMS = ['cycle'] as const;

/** C concurrent lockers, each on its own key: how many locks per second one process takes. */
export async function runThroughput(run: WorkloadRun): Promise<WorkloadSample> {
  const sample = createSample(THROUGHPUT_HISTOGRAMS);
  const cycle = sample.histograms['cycle'];
  if (!cycle) throw new Error('throughput histogram missing');
  const meter = await run.startMeter();
  const startUs = nowUs();
  const deadlineUs = startUs + run.durationMs * 1000;
  let started = 0;
  const locker = async (index: number): Promise<void> => {
    const resources = [`${run.keyPrefix}:throughput:${index}`];
    while (started < run.operationsMax && nowUs() < deadlineUs) {
      started += 1;
      const t0 = nowUs();
      try {
        const lock = await run.library.acquire(resources, run.options.ttlMs);
        if (attemptCount(lock) > 1) sample.retried += 1;
        await lock.release();
        recordUs(cycle, nowUs() - t0);
        sample.operations += 1;
      } catch {
        sample.errors += 1;
      }
      run.onOperation();
    }
  };
  await Promise.all(Array.from({ length: run.options.concurrency }, (_, index) => locker(index)));
  sample.elapsedMs = (nowUs() - startUs) / 1000;
  sample.usage = await meter.stop();
  return sample;
}
