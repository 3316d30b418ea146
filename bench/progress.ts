import cliProgress from 'cli-progress';

/** How finely one measured run advances the bar. */
const STEPS_PER_RUN = 1000;

/** A progress bar on stderr across every measured run; silent when stderr is not a terminal. */
export interface Progress {
  /** Starts run `index` (0-based) of `runs`, under a label such as `redquorum round 2/4`. */
  startRun(index: number, label: string): void;
  /** Reports the fraction of the current run done, 0 to 1. */
  update(fraction: number): void;
  stop(): void;
}

export function createProgress(runs: number, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY) {
    return { startRun: () => undefined, update: () => undefined, stop: () => undefined };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: 'bench [{bar}] {percentage}% | {label}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(runs * STEPS_PER_RUN, 0, { label: '' });
  let base = 0;
  return {
    startRun: (index, label) => {
      base = index * STEPS_PER_RUN;
      bar.update(base, { label });
    },
    update: (fraction) => bar.update(base + Math.round(Math.min(1, Math.max(0, fraction)) * STEPS_PER_RUN)),
    stop: () => bar.stop(),
  };
}
