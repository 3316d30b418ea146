import type { Random } from '../random.js';
import type { Actor, Scheduler } from './scheduler.js';

/** Which way a message goes on a (client, node) link. */
export type Direction = 'request' | 'reply';

/**
 * Latency of one message, in true ms: `minMs` plus an exponential tail of mean
 * `tailMeanMs`, and with probability `spikeChance` a spike of up to `spikeMs` more (a
 * retransmission, a stalled switch). Bounded: never above minMs + 20 x tailMeanMs + spikeMs.
 */
export interface LatencySpec {
  readonly minMs: number;
  readonly tailMeanMs: number;
  readonly spikeChance: number;
  readonly spikeMs: number;
}

export const DEFAULT_LATENCY: LatencySpec = Object.freeze({ minMs: 0.1, tailMeanMs: 0.3, spikeChance: 0, spikeMs: 0 });

/**
 * The faults on one (client, node) link, as counters so that overlapping faults of the
 * same kind nest: a direction is cut while any partition or one-way loss covering it is
 * active.
 */
export class Link {
  requestCuts = 0;
  replyCuts = 0;
  /** Extra latency from active latency faults, ms. */
  extraMs = 0;

  constructor(
    readonly client: number,
    readonly node: number,
    readonly latency: LatencySpec,
    /** Chance that any one message is lost on its own (a black-holed packet train). */
    readonly lossChance: number,
    readonly random: Random,
  ) {}

  cut(direction: Direction): boolean {
    return direction === 'request' ? this.requestCuts > 0 : this.replyCuts > 0;
  }

  /** Both ways open: what a reconnect needs. */
  get open(): boolean {
    return this.requestCuts === 0 && this.replyCuts === 0;
  }

  sampleMs(): number {
    const { minMs, tailMeanMs, spikeChance, spikeMs } = this.latency;
    const u = this.random.next();
    const tail = Math.min(20 * tailMeanMs, -tailMeanMs * Math.log(1 - u));
    const spike = spikeChance > 0 && this.random.next() < spikeChance ? this.random.next() * spikeMs : 0;
    return minMs + tail + spike + this.extraMs;
  }
}

/**
 * One TCP connection over a link: FIFO in each direction (a message never overtakes the
 * one sent before it on the same connection; different connections reorder freely). A
 * reset bumps `epoch`: whatever was in flight is gone.
 */
export class Connection {
  epoch = 0;
  private lastArrivalMs: [number, number] = [0, 0];

  constructor(
    readonly link: Link,
    private readonly scheduler: Scheduler,
  ) {}

  /**
   * Sends one message. It is lost when its direction is cut or by chance; otherwise it
   * arrives after its latency, not before the previous message of its direction, and
   * runs `deliver` on `receiver` (held while the receiver is paused), unless the
   * connection was reset meanwhile.
   */
  send(direction: Direction, deliver: () => void, receiver: Actor, wakesCode: boolean): boolean {
    const link = this.link;
    if (link.cut(direction)) return false;
    if (link.lossChance > 0 && link.random.next() < link.lossChance) return false;
    const slot = direction === 'request' ? 0 : 1;
    const arrivalMs = Math.max(this.scheduler.nowMs + link.sampleMs(), this.lastArrivalMs[slot]);
    this.lastArrivalMs[slot] = arrivalMs;
    const epoch = this.epoch;
    this.scheduler.at(
      arrivalMs,
      () => {
        if (this.epoch === epoch) deliver();
      },
      receiver,
      wakesCode,
    );
    return true;
  }

  /** Drops everything in flight. */
  reset(): void {
    this.epoch += 1;
    this.lastArrivalMs = [0, 0];
  }
}
