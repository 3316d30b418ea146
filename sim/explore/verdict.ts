import { runChecker, type CheckResult } from '../checker/check-result.js';
import { checkRegister, type RegisterDetails } from '../checker/register.js';
import { checkMutex, type MutexDetails } from '../checker/mutex.js';
import { checkTokenOrder, type TokenOrderDetails } from '../checker/token-order.js';
import type { HistoryEvent } from '../history/types.js';
import type { RunResult } from './world.js';

/** What a run can show that it must not. */
export type Anomaly =
  /** Two holders of one resource at once (the lock checker). */
  | 'dual-holder'
  /** A token not above one completed before it began (the token-order checker). */
  | 'token-regression'
  /** The register accepted a write out of token order (the register checker). */
  | 'stale-write-accepted'
  /** A holder wrote after its validity had ended: "finish within validity" broken. */
  | 'late-write'
  /** A checker could not judge the history. */
  | 'checker-unknown'
  /** The run hit its event bound, or a client never finished: a liveness failure. */
  | 'stuck';

export const ANOMALIES: readonly Anomaly[] = ['dual-holder', 'token-regression', 'stale-write-accepted', 'late-write', 'checker-unknown', 'stuck'];

export interface Verdict {
  /** Count per anomaly found (absent: none). */
  readonly anomalies: ReadonlyMap<Anomaly, number>;
  readonly mutex: CheckResult<MutexDetails>;
  readonly tokens: CheckResult<TokenOrderDetails>;
  readonly register: CheckResult<RegisterDetails>;
}

/** Runs the lab's pure checkers over a simulated run's history. */
export function judge(run: RunResult): Verdict {
  const history: readonly HistoryEvent[] = run.history;
  const mutex = runChecker('mutex', () => checkMutex(history, { maxViolationsListed: 10 }));
  const tokens = runChecker('token-order', () => checkTokenOrder(history));
  // The simulated register checks the token at the write (sim/explore/register.ts).
  const register = runChecker('register', () => checkRegister(history, { register: 'write-check', maxExamples: 10 }));
  const anomalies = new Map<Anomaly, number>();
  const add = (anomaly: Anomaly, count: number): void => {
    if (count > 0) anomalies.set(anomaly, (anomalies.get(anomaly) ?? 0) + count);
  };
  for (const result of [mutex, tokens, register]) if (result.valid === 'unknown') add('checker-unknown', 1);
  if (mutex.valid !== 'unknown') add('dual-holder', mutex.details.violationCount);
  if (tokens.valid !== 'unknown') add('token-regression', tokens.details.regressionCount);
  if (register.valid !== 'unknown') {
    add('stale-write-accepted', register.details.staleAccepted);
    add('late-write', register.details.lateWrites);
  }
  if (run.end !== 'idle' || run.unfinishedClients > 0) add('stuck', 1);
  return { anomalies, mutex, tokens, register };
}

/** "dual-holder x3, late-write x1", or "none". */
export function describeAnomalies(anomalies: ReadonlyMap<Anomaly, number>): string {
  if (anomalies.size === 0) return 'none';
  return ANOMALIES.filter((a) => anomalies.has(a)).map((a) => `${a} x${anomalies.get(a) ?? 0}`).join(', ');
}

/** Where the first evidence of an anomaly is: the resource, a span of true time, the acquisitions involved. */
export interface Evidence {
  readonly resource: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly lockIds: readonly string[];
  readonly note: string;
}

/** The first evidence of `anomaly` in a verdict, for timelines and for shrinking. */
export function evidence(verdict: Verdict, anomaly: Anomaly, ttlMs: number): Evidence | undefined {
  if (anomaly === 'dual-holder' && verdict.mutex.valid === false) {
    const v = verdict.mutex.details.violations[0];
    if (v === undefined) return undefined;
    return {
      resource: v.resource,
      fromMs: (v.first.invokeMs ?? v.first.startMs) - 1,
      toMs: v.overlapEndMs + 1,
      lockIds: [v.first.lockId, v.second.lockId],
      note: `${v.first.lockId} (client ${v.first.worker}, window ${ms(v.first.startMs)}-${ms(v.first.endMs)}) and ${v.second.lockId} (client ${v.second.worker}, window ${ms(v.second.startMs)}-${ms(v.second.endMs)}) both hold ${v.resource} for ${v.overlapMs.toFixed(1)} ms`,
    };
  }
  if (anomaly === 'token-regression' && verdict.tokens.valid === false) {
    const r = verdict.tokens.details.regressions[0];
    if (r === undefined) return undefined;
    const beganMs = r.later.invokeMs ?? r.later.startMs;
    return {
      resource: r.resource,
      fromMs: r.earlier.startMs - ttlMs,
      toMs: beganMs + ttlMs,
      lockIds: [r.earlier.lockId, r.later.lockId],
      note: `${r.later.lockId} got token ${r.later.fence ?? '?'}, not above ${r.earlier.fence ?? '?'} of ${r.earlier.lockId}, which completed at ${ms(r.earlier.startMs)} before it began at ${ms(beganMs)}`,
    };
  }
  if ((anomaly === 'late-write' || anomaly === 'stale-write-accepted') && verdict.register.valid !== 'unknown') {
    const w = anomaly === 'late-write' ? verdict.register.details.lateWriteExamples[0] : verdict.register.details.staleAcceptedExamples[0]?.write;
    if (w === undefined) return undefined;
    const validUntilMs = w.validUntilMs ?? w.invokeMs;
    return {
      resource: w.resource,
      fromMs: validUntilMs - ttlMs,
      toMs: w.completionMs + 1,
      lockIds: [w.lockId],
      note: `${w.lockId} (client ${w.worker}) wrote at ${ms(w.completionMs)}, after its validity ended at ${ms(validUntilMs)}; the register ${w.result.accepted ? 'accepted' : 'rejected'} it`,
    };
  }
  return undefined;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}
