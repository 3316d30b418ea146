import type { Anomaly } from './verdict.js';
import type { Scenario } from './scenario.js';
import { WRITE_BUDGET_MS } from './workload.js';

/** One way a scenario steps outside the Redlock spec's assumptions, and what it can cause. */
export interface Breach {
  readonly name: string;
  readonly detail: string;
  readonly causes: readonly Anomaly[];
}


/**
 * The assumption-breaking parts of a scenario: what the spec says may break safety, and
 * which anomalies each may explain. A run whose anomalies are not all explained by one
 * of these found something the spec does not predict: a bug, in the library or here.
 */
export function breaches(scenario: Scenario): Breach[] {
  const found: Breach[] = [];
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
    if (fault.kind === 'client-clock-jump') {
      // Tokens carry the client's wall clock: after counters are lost (an empty restart),
      // a client whose wall clock is behind another's by a TTL or more can draw a smaller token.
      found.push({ name: 'client-clock-jump', detail: `client ${fault.client} wall clock ${fault.jumpMs >= 0 ? '+' : ''}${fault.jumpMs} ms at ${fault.atMs} ms`, causes: ['token-regression'] });
    }
    if (fault.kind === 'client-pause' && fault.durationMs >= WRITE_BUDGET_MS) {
      found.push({ name: 'client-pause', detail: `client ${fault.client} paused ${fault.durationMs} ms at ${fault.atMs} ms`, causes: ['late-write'] });
    }
  }
  const clockBreach = clockBeyondAllowance(scenario);
  if (clockBreach !== undefined) found.push(clockBreach);
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

/**
 * Whether some node's key can expire, in true time, before some client's validity for
 * it ends: a key set for TTL on node n lives at least TTL / rate_n - 2 x periodic_n true
 * ms (its clock's error can swing both ways in between), while a validity lasts at most
 * (TTL - drift) / rate_c true ms after the attempt began. Within the allowance the first
 * is never the shorter.
 */
function clockBeyondAllowance(s: Scenario): Breach | undefined {
  const driftAllowanceMs = Math.round(s.ttlMs * s.driftFactor) + 2;
  for (const [n, node] of s.nodeClocks.entries()) {
    for (const [c, client] of s.clientClocks.entries()) {
      const keyLifeMs = s.ttlMs / node.rate - 2 * node.periodicMs;
      const validityMs = (s.ttlMs - driftAllowanceMs) / client.rate;
      if (keyLifeMs < validityMs) {
        return {
          name: node.rate > 1 && client.rate >= 1 ? 'fast-clock' : node.rate <= 1 && client.rate < 1 ? 'slow-client-clock' : 'clock-drift',
          detail: `node ${n} clock x${node.rate.toFixed(4)} +-${node.periodicMs.toFixed(1)} ms, client ${c} clock x${client.rate.toFixed(4)}: keys can live ${keyLifeMs.toFixed(1)} ms, validity ${validityMs.toFixed(1)} ms`,
          causes: ['dual-holder'],
        };
      }
    }
  }
  return undefined;
}
