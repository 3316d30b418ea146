import type { FaultEvent, HistoryEvent, Op, RegisterKind, WriteResult } from '../../../sim/history/types.js';

/**
 * Builds hand-written histories for the checker tests: each helper records an
 * operation's invoke and its completion the way the workload does.
 */
export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];

  private op(fields: Omit<Op, 'kind' | 'group'> & { group?: number }): void {
    this.events.push({ kind: 'op', group: 0, ...fields });
  }

  /** A successful acquire: invoke at invokeMs, ok at okMs, valid until validUntilMs. */
  acquire(a: {
    worker: number;
    lockId: string;
    resource?: string;
    invokeMs: number;
    okMs: number;
    /** Omitted: a client that claims no validity. */
    validUntilMs?: number;
    fence?: string;
    group?: number;
    ttlMs?: number;
  }): this {
    const resource = a.resource ?? 'r0';
    const group = a.group ?? 0;
    this.op({ type: 'invoke', f: 'acquire', worker: a.worker, group, resource, lockId: a.lockId, timeMs: a.invokeMs, ...(a.ttlMs === undefined ? {} : { ttlMs: a.ttlMs }) });
    const fence = a.fence === undefined ? {} : { fence: a.fence };
    this.op({
      type: 'ok',
      f: 'acquire',
      worker: a.worker,
      group,
      resource,
      lockId: a.lockId,
      timeMs: a.okMs,
      ...(a.validUntilMs === undefined ? {} : { validUntilMs: a.validUntilMs }),
      ...fence,
    });
    return this;
  }

  /** An acquire that did not succeed: `fail` (certainly not held) or `info` (unknown). */
  acquireNot(a: { worker: number; lockId: string; resource?: string; invokeMs: number; endMs: number; type: 'fail' | 'info' | 'pending'; ttlMs?: number }): this {
    const resource = a.resource ?? 'r0';
    this.op({ type: 'invoke', f: 'acquire', worker: a.worker, resource, lockId: a.lockId, timeMs: a.invokeMs, ...(a.ttlMs === undefined ? {} : { ttlMs: a.ttlMs }) });
    if (a.type === 'pending') return this;
    this.op({ type: a.type, f: 'acquire', worker: a.worker, resource, lockId: a.lockId, timeMs: a.endMs, error: 'no quorum' });
    return this;
  }

  release(r: { worker: number; lockId: string; resource?: string; invokeMs: number; okMs?: number }): this {
    const resource = r.resource ?? 'r0';
    this.op({ type: 'invoke', f: 'release', worker: r.worker, resource, lockId: r.lockId, timeMs: r.invokeMs });
    this.op({ type: 'ok', f: 'release', worker: r.worker, resource, lockId: r.lockId, timeMs: r.okMs ?? r.invokeMs + 1 });
    return this;
  }

  write(w: {
    worker: number;
    lockId: string;
    resource?: string;
    invokeMs: number;
    doneMs?: number;
    accepted: boolean;
    seq: number;
    fence?: string;
    read: number;
    register?: RegisterKind;
    /** The same critical section's answers from the control registers. */
    controls?: readonly { register: RegisterKind; accepted: boolean; seq: number; read: number }[];
  }): this {
    const resource = w.resource ?? 'r0';
    this.op({ type: 'invoke', f: 'write', worker: w.worker, resource, lockId: w.lockId, timeMs: w.invokeMs });
    const fence = w.fence ?? '';
    const write: WriteResult = { register: w.register ?? (fence === '' ? 'none' : 'kleppmann'), accepted: w.accepted, seq: w.seq, fence, read: w.read, wrote: w.read + 1 };
    const controlWrites = (w.controls ?? []).map((c): WriteResult => ({ register: c.register, accepted: c.accepted, seq: c.seq, fence, read: c.read, wrote: c.read + 1 }));
    this.op({
      type: w.accepted ? 'ok' : 'fail',
      f: 'write',
      worker: w.worker,
      resource,
      lockId: w.lockId,
      timeMs: w.doneMs ?? w.invokeMs + 5,
      write,
      ...(controlWrites.length === 0 ? {} : { controlWrites }),
    });
    return this;
  }

  fault(type: FaultEvent['type'], name: string, timeMs: number, detail = ''): this {
    this.events.push({ kind: 'fault', type, name, detail, timeMs });
    return this;
  }
}

/**
 * A well-behaved run: `count` sequential critical sections on one resource by
 * alternating workers, each acquire -> write -> release, fences increasing.
 */
export function sequentialRun(count: number, options: { fenced: boolean; resource?: string; startMs?: number }): HistoryBuilder {
  const h = new HistoryBuilder();
  const resource = options.resource ?? 'r0';
  let t = options.startMs ?? 1000;
  for (let i = 0; i < count; i += 1) {
    const worker = i % 3;
    const lockId = `${resource}-l${i}`;
    const fence = options.fenced ? String(i + 1) : undefined;
    h.acquire({ worker, lockId, resource, invokeMs: t, okMs: t + 4, validUntilMs: t + 4 + 980, ...(fence === undefined ? {} : { fence }) });
    h.write({ worker, lockId, resource, invokeMs: t + 10, accepted: true, seq: i + 1, read: i, ...(fence === undefined ? {} : { fence }) });
    h.release({ worker, lockId, resource, invokeMs: t + 30 });
    t += 40;
  }
  return h;
}
