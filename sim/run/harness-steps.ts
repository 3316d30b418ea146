import { monotonicMs } from '../../src/clock.js';
import type { FaultEvent } from '../history/types.js';
import { faultEvent } from '../nemesis/nemesis.js';
import type { Testbed } from '../testbed/testbed.js';
import { isToxiproxyHung } from '../testbed/toxiproxy-call.js';
import { bounded } from './bounded.js';

/** The fault-event name of a toxiproxy-server restart: the report shades it like a fault. */
export const TOXIPROXY_RESTART = 'toxiproxy-restart';

/** One restart of a hung toxiproxy-server during a scenario. */
export interface ToxiproxyRestart {
  /** The step whose Toxiproxy call hung, e.g. "nemesis resets heal". */
  readonly step: string;
  /** The hung call, from the error. */
  readonly error: string;
  /** When the restart began (monotonic ms). */
  readonly startMs: number;
  /** How long the restart and the re-placing of the active toxics took. */
  readonly durationMs: number;
}

export interface HarnessStepsOptions {
  readonly testbed: Testbed;
  /** Bound of one step (a nemesis call, a heal of the testbed), in ms. */
  readonly stepTimeoutMs: number;
  /** Bound of one restart of toxiproxy-server with the recreation of its proxies, in ms. */
  readonly restartTimeoutMs: number;
  /** Restarts allowed per scenario; one more hang is a harness crash. */
  readonly maxRestarts: number;
  /** Puts the active network faults back after a restart (every toxic is gone by then). */
  readonly restoreFaults: () => Promise<void>;
  /** Appends the restart's fault window to the history. */
  readonly record: (event: FaultEvent) => void;
}

/**
 * Runs the harness's steps, each bounded, and recovers from a hung Toxiproxy: when a step
 * fails with ToxiproxyHungError and this process runs toxiproxy-server, the server is
 * restarted on its port, every proxy recreated on its listen port, the active network
 * faults placed again, and the step retried once. A step that failed because a restart
 * happened under it (its call hit the server being killed) is retried too. Every restart
 * is kept in `restarts` and recorded as a fault window, so the verdict can say so.
 */
export class HarnessSteps {
  readonly restarts: ToxiproxyRestart[] = [];
  private restoring: Promise<void> | undefined;

  constructor(private readonly options: HarnessStepsOptions) {}

  async run<T>(what: string, work: () => Promise<T>): Promise<T> {
    const { testbed, stepTimeoutMs } = this.options;
    const restartsBefore = testbed.toxiproxyRestarts;
    try {
      return await bounded(what, stepTimeoutMs, work);
    } catch (error) {
      if (!testbed.canRestartToxiproxy) throw error;
      if (this.restoring) await this.restoring;
      else if (testbed.toxiproxyRestarts === restartsBefore) {
        if (!isToxiproxyHung(error)) throw error;
        await this.restart(what, error);
      }
      // else: a restart finished while this step ran; its failure may be that restart's doing.
      return await bounded(`${what} (retried after a toxiproxy-server restart)`, stepTimeoutMs, work);
    }
  }

  /** The restarts in words, for the verdict's observed column; empty when there were none. */
  describe(): string {
    if (this.restarts.length === 0) return '';
    const steps = [...new Set(this.restarts.map((restart) => restart.step))].join(', ');
    return `harness: toxiproxy-server hung and was restarted ${this.restarts.length}x (on ${steps})`;
  }

  private restart(step: string, cause: unknown): Promise<void> {
    const { testbed, restartTimeoutMs, maxRestarts, record, restoreFaults } = this.options;
    this.restoring ??= (async () => {
      const message = cause instanceof Error ? cause.message : String(cause);
      if (this.restarts.length >= maxRestarts) {
        throw new Error(`toxiproxy-server hung again after ${maxRestarts} restart(s) in this scenario (${step}): ${message}`, { cause });
      }
      const startMs = monotonicMs();
      record({ ...faultEvent('start', TOXIPROXY_RESTART, `API hung on ${step}; toxiproxy-server killed and restarted, proxies recreated`), timeMs: startMs });
      await bounded('toxiproxy-server restart', restartTimeoutMs, () => testbed.restartToxiproxy());
      await bounded('re-placing the active network faults after the restart', restartTimeoutMs, restoreFaults);
      const endMs = monotonicMs();
      record({ ...faultEvent('stop', TOXIPROXY_RESTART, `toxiproxy-server back after ${Math.round(endMs - startMs)} ms`), timeMs: endMs });
      this.restarts.push({ step, error: message, startMs, durationMs: endMs - startMs });
    })().finally(() => {
      this.restoring = undefined;
    });
    return this.restoring;
  }
}
