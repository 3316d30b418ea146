import type { Anomaly } from './verdict.js';
import type { Scenario } from './scenario.js';
import { WRITE_BUDGET_MS } from './workload.js';

/** One way a scenario steps outside the Redlock spec's assumptions, and what it can cause. */
export interface Breach {
  readonly name: string;
  readonly detail: string;
  readonly causes: readonly Anomaly[];
}

// What within mode allows; anything beyond is a breach (see swarm.ts).
const RATE_SHARE_SAFE = 0.4;
const PERIODIC_MS_SAFE = 0.5;

/**
 * The assumption-breaking parts of a scenario: what the spec says may break safety, and
 * which anomalies each may explain. A run whose anomalies are not all explained by one
 * of these found something the spec does not predict: a bug, in the library or here.
 */
export function breaches(scenario: Scenario): Breach[] {
  const found: Breach[] = [];
  const df = scenario.driftFactor;
  for (const fault of scenario.faults) {
    if (fault.kind === 'crash' && fault.persistence === 'none') {
      const early = fault.downMs < scenario.ttlMs;
      found.push({
        name: early ? 'crash-immediate-restart' : 'crash-empty-restart',
        detail: `node ${fault.node} killed at ${fault.atMs} ms, back empty after ${fault.downMs} ms`,
        // Lost fencing counters can regress tokens after any empty restart; lost lock keys matter only while TTLs run.
        causes: early ? ['dual-holder', 'token-regression', 'late-write'] : ['token-regression'],
      });
    }
    if (fault.kind === 'clock-jump' && fault.jumpMs > 0) {
      found.push({ name: 'clock-jump-forward', detail: `node ${fault.node} wall clock +${fault.jumpMs} ms at ${fault.atMs} ms`, causes: ['dual-holder'] });
    }
    if (fault.kind === 'client-pause' && fault.durationMs >= WRITE_BUDGET_MS) {
      found.push({ name: 'client-pause', detail: `client ${fault.client} paused ${fault.durationMs} ms at ${fault.atMs} ms`, causes: ['late-write'] });
    }
  }
  scenario.nodeClocks.forEach((clock, n) => {
    if (clock.rate > 1 + RATE_SHARE_SAFE * df) found.push({ name: 'fast-clock', detail: `node ${n} clock runs x${clock.rate.toFixed(4)}`, causes: ['dual-holder'] });
    if (clock.periodicMs > PERIODIC_MS_SAFE) found.push({ name: 'clock-error', detail: `node ${n} wall clock error +-${clock.periodicMs.toFixed(1)} ms`, causes: ['dual-holder'] });
  });
  scenario.clientClocks.forEach((clock, c) => {
    if (clock.rate < 1 - RATE_SHARE_SAFE * df) found.push({ name: 'slow-client-clock', detail: `client ${c} monotonic clock runs x${clock.rate.toFixed(4)}`, causes: ['dual-holder'] });
  });
  scenario.clients.forEach((variant, c) => {
    if (variant === 'no-validity-check') found.push({ name: 'no-validity-check', detail: `client ${c} ignores elapsed time`, causes: ['dual-holder'] });
    if (variant === 'plain-del-release') found.push({ name: 'plain-del-release', detail: `client ${c} releases by plain DEL and overruns`, causes: ['dual-holder', 'late-write'] });
  });
  return found;
}

/** The anomalies of a run that no breach of its scenario explains. */
export function unexplained(anomalies: ReadonlyMap<Anomaly, number>, scenario: Scenario): Anomaly[] {
  const explicable = new Set(breaches(scenario).flatMap((b) => b.causes));
  return [...anomalies.keys()].filter((anomaly) => !explicable.has(anomaly));
}
