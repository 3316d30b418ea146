/**
 * A simulated party's clocks, after TigerBeetle's `testing/time.zig`: true time `t`
 * (the scheduler's) is read through an offset model.
 *
 * - monotonic(t) = rate * t: linear drift only. A monotonic clock never steps and is
 *   never slewed backwards, so the step and periodic models do not touch it.
 * - wall(t) = epoch + rate * t + periodic(t) + steps(t): linear drift, a periodic error
 *   A * sin(2 pi t / P) (NTP's slewing around the truth), and step jumps forward or back
 *   (an operator or NTP setting the clock).
 *
 * A node's keys expire by its wall clock, as Redis 7 expires by `gettimeofday`; a
 * client times its attempts and validity by its monotonic clock, as the library does.
 */
export interface ClockSpec {
  /** Ticks of this clock per true ms: 1 is ideal, 1.01 runs 1% fast. @default 1 (0.1 to 10) */
  readonly rate: number;
  /** Amplitude of the wall clock's periodic error, in ms. @default 0 */
  readonly periodicMs: number;
  /** Period of that error, in true ms. @default 10_000 */
  readonly periodMs: number;
}

export const IDEAL_CLOCK: ClockSpec = Object.freeze({ rate: 1, periodicMs: 0, periodMs: 10_000 });

/** Wall-clock ms at true time 0: a fixed date, so that histories are byte-identical. */
export const EPOCH_MS = 1_800_000_000_000;

export class ClockModel {
  /** Sum of the wall-clock steps applied so far, in ms. */
  private stepsMs = 0;

  constructor(
    readonly spec: ClockSpec,
    private readonly trueNowMs: () => number,
  ) {
    if (!(spec.rate >= 0.1 && spec.rate <= 10)) throw new RangeError(`clock rate must be from 0.1 to 10, got ${spec.rate}`);
  }

  monotonicMs(): number {
    return this.spec.rate * this.trueNowMs();
  }

  wallMs(): number {
    const t = this.trueNowMs();
    const periodic = this.spec.periodicMs === 0 ? 0 : this.spec.periodicMs * Math.sin((2 * Math.PI * t) / this.spec.periodMs);
    return EPOCH_MS + this.spec.rate * t + periodic + this.stepsMs;
  }

  /** Steps the wall clock by `jumpMs` (negative: back). */
  step(jumpMs: number): void {
    this.stepsMs += jumpMs;
  }

  /** The true time at which the monotonic clock reads `monotonicMs` (for the history's one time line). */
  trueMsAt(monotonicMs: number): number {
    return monotonicMs / this.spec.rate;
  }

  /** True ms that pass while this clock's monotonic time advances by `delayMs`. */
  trueDelayMs(delayMs: number): number {
    return delayMs / this.spec.rate;
  }
}
