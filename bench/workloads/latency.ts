import { recordUs } from '../histogram.js';
import { attemptCount } from '../libraries/lock-library.js';
import { createSample, type WorkloadSample } from './workload-sample.js';
import { nowUs, type WorkloadRun } from './workload.js';

/** Histograms of the latency workload. */
export const LATENCY_HISTOGRAMS = ['cycle', 'acquire', 'release'] as const;

/** Sequential acquire + release of one key: the latency a lock adds to a critical section. */
export async function runLatency(run: WorkloadRun): Promise<WorkloadSample> {
  const sample = createSample(LATENCY_HISTOGRAMS);
  const { cycle, acquire, release } = sample.histograms;
  if (!cycle || !acquire || !release) throw new Error('latency histograms missing');
  const resources = [`${run.keyPrefix}:latency`];
  const meter = await run.startMeter();
  const startUs = nowUs();
  const deadlineUs = startUs + run.durationMs * 1000;
  for (let i = 0; i < run.operationsMax && nowUs() < deadlineUs; i += 1) {
    const t0 = nowUs();
    try {
      const lock = await run.library.acquire(resources, run.options.ttlMs);
      const t1 = nowUs();
      if (attemptCount(lock) > 1) sample.retried += 1;
      await lock.release();
      const t2 = nowUs();
      recordUs(acquire, t1 - t0);
      recordUs(release, t2 - t1);
      recordUs(cycle, t2 - t0);
      sample.operations += 1;
    } catch {
      sample.errors += 1;
    }
    run.onOperation();
  }
  sample.elapsedMs = (nowUs() - startUs) / 1000;
  sample.usage = await meter.stop();
  return sample;
}
