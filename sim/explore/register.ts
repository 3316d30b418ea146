import type { WriteResult } from '../history/types.js';
import type { Actor, Scheduler } from './scheduler.js';

/** One-way latency to the register, true ms: it sits outside the faulted network. */
export const REGISTER_LATENCY_MS = 0.2;

/**
 * The fenced resource, simulated beside the nodes but outside the faulted network: one
 * counter per resource that accepts a write only when its token is greater than the
 * last accepted one (the lab's resource.ts rule), and numbers what it accepts. The
 * register applies a write when it arrives; a paused client's write leaves only on
 * resume, so a GC pause shows up as a stale write, as in the lab.
 */
export class FencedRegister {
  private readonly values = new Map<string, number>();
  private readonly tokens = new Map<string, bigint>();
  private readonly seqs = new Map<string, number>();

  constructor(private readonly scheduler: Scheduler) {}

  read(resource: string, client: Actor): Promise<number> {
    return this.roundTrip(client, () => this.values.get(resource) ?? 0);
  }

  write(resource: string, token: string, read: number, client: Actor): Promise<WriteResult> {
    return this.roundTrip(client, () => {
      const fence = BigInt(token);
      const last = this.tokens.get(resource);
      if (last !== undefined && fence <= last) return { accepted: false, seq: 0, fence: token, read, wrote: read + 1 };
      this.tokens.set(resource, fence);
      this.values.set(resource, read + 1);
      const seq = (this.seqs.get(resource) ?? 0) + 1;
      this.seqs.set(resource, seq);
      return { accepted: true, seq, fence: token, read, wrote: read + 1 };
    });
  }

  /** The counters after the run, summed. */
  total(): number {
    let sum = 0;
    for (const value of this.values.values()) sum += value;
    return sum;
  }

  private roundTrip<T>(client: Actor, apply: () => T): Promise<T> {
    return new Promise((resolve) => {
      this.scheduler.after(REGISTER_LATENCY_MS, () => {
        const result = apply();
        this.scheduler.after(REGISTER_LATENCY_MS, () => resolve(result), client);
      }, undefined, false);
    });
  }
}
