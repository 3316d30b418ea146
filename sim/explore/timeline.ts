import { ACQUIRE, EXTEND, FENCE, RELEASE } from '../../src/scripts.js';
import type { HistoryEvent } from '../history/types.js';
import { breaches } from './assumptions.js';
import { IDEAL_CLOCK } from './clock-model.js';
import { isError, isStatus, type RedisReply } from './reply.js';
import type { Scenario } from './scenario.js';
import { sha1 } from './sim-node.js';
import { evidence, type Anomaly, type Verdict } from './verdict.js';
import type { TraceEntry } from './world.js';

/** Most lines a timeline prints: a shrunk counterexample fits well inside. */
export const TIMELINE_LINES_MAX = 80;

const SCRIPT_NAMES = new Map([ACQUIRE, EXTEND, RELEASE, FENCE].map((s) => [sha1(s.lua), s.name.replace(/^redquorum/, '').toLowerCase()]));

/** The scenario in a few lines: what runs, under which faults and clocks. */
export function describeScenario(s: Scenario): string[] {
  const variants = s.clients.map((v, i) => `${i}:${v}`).join(' ');
  const lines = [
    `seed ${s.seed}; ${s.nodes} nodes; clients ${variants}; ${s.resources} resource(s); ${s.opsPerClient} op(s) per client`,
    `ttl ${s.ttlMs} ms, driftFactor ${s.driftFactor}, retryCount ${s.retryCount}, retryDelay ${s.retryDelayMs} ms, hold ${s.holdMs[0]}-${s.holdMs[1]} ms, think ${s.thinkMs[0]}-${s.thinkMs[1]} ms, extend chance ${s.extendChance.toFixed(2)}`,
    `latency ${s.latency.minMs.toFixed(2)} ms + exp(${s.latency.tailMeanMs.toFixed(2)} ms)` +
      (s.latency.spikeChance > 0 ? `, spikes ${(s.latency.spikeChance * 100).toFixed(1)}% up to ${s.latency.spikeMs.toFixed(0)} ms` : '') +
      (s.lossChance > 0 ? `, loss ${(s.lossChance * 100).toFixed(2)}%` : ''),
  ];
  s.nodeClocks.forEach((c, n) => {
    if (c !== IDEAL_CLOCK && (c.rate !== 1 || c.periodicMs !== 0)) lines.push(`node ${n} clock: rate x${c.rate.toFixed(4)}, periodic error ${c.periodicMs.toFixed(2)} ms every ${c.periodMs.toFixed(0)} ms`);
  });
  s.clientClocks.forEach((c, i) => {
    if (c !== IDEAL_CLOCK && c.rate !== 1) lines.push(`client ${i} monotonic clock: rate x${c.rate.toFixed(4)}`);
  });
  const found = breaches(s);
  lines.push(`assumptions broken: ${found.length === 0 ? 'none' : found.map((b) => `${b.name} (${b.detail})`).join('; ')}`);
  return lines;
}

/**
 * A readable timeline of one run around its first `anomaly`: the scenario, every fault,
 * and the operations and node commands on the resource involved, in true time.
 */
export function formatTimeline(scenario: Scenario, history: readonly HistoryEvent[], trace: readonly TraceEntry[], verdict: Verdict, anomaly: Anomaly): string {
  const lines = describeScenario(scenario);
  const where = evidence(verdict, anomaly, scenario.ttlMs);
  if (where !== undefined) lines.push(`${anomaly}: ${where.note}`);
  const events: { timeMs: number; text: string }[] = [];
  // The involved acquisitions' own spans (invoke to completion, and their releases), by client.
  const spans: { client: number; fromMs: number; toMs: number }[] = [];
  const involved = new Set(where?.lockIds ?? []);
  const opened = new Map<string, number>();
  for (const event of history) {
    if (event.kind !== 'op' || !involved.has(event.lockId)) continue;
    const key = `${event.f}:${event.lockId}`;
    if (event.type === 'invoke') opened.set(key, event.timeMs);
    else spans.push({ client: event.worker, fromMs: opened.get(key) ?? event.timeMs, toMs: event.timeMs });
  }
  let hidden = 0;
  for (const event of history) {
    if (event.kind === 'fault') {
      events.push({ timeMs: event.timeMs, text: `fault ${event.type} ${event.name}: ${event.detail}` });
      continue;
    }
    if (where !== undefined && (event.resource !== where.resource || event.timeMs < where.fromMs || event.timeMs > where.toMs)) continue;
    if (where !== undefined && !involved.has(event.lockId) && event.type === 'invoke') {
      hidden += 1;
      continue;
    }
    const extra = [
      event.fence === undefined ? '' : ` token ${event.fence}`,
      event.validUntilMs === undefined ? '' : ` valid until ${ms(event.validUntilMs)}`,
      event.write === undefined ? '' : ` read ${event.write.read} wrote ${event.write.wrote} ${event.write.accepted ? 'accepted' : 'rejected'}`,
      event.error === undefined ? '' : ` (${event.error.slice(0, 60)})`,
    ].join('');
    events.push({ timeMs: event.timeMs, text: `client ${event.worker} ${event.f} ${event.lockId} ${event.type}${extra}` });
  }
  for (const entry of trace) {
    if (where !== undefined && (entry.timeMs < where.fromMs || entry.timeMs > where.toMs || !entry.args.includes(where.resource))) continue;
    // Node commands of the involved acquisitions only; the rest of the contention is counted.
    if (where !== undefined && !spans.some((s) => s.client === entry.client && entry.timeMs >= s.fromMs && entry.timeMs <= s.toMs)) {
      hidden += 1;
      continue;
    }
    events.push({ timeMs: entry.timeMs, text: `  node ${entry.node} ran ${command(entry.args)} for client ${entry.client} -> ${reply(entry.reply)}` });
  }
  if (hidden > 0) lines.push(`(${hidden} operations and node commands of other clients on ${where?.resource ?? ''} in this span not shown)`);
  events.sort((a, b) => a.timeMs - b.timeMs);
  const shown = events.slice(0, TIMELINE_LINES_MAX);
  for (const event of shown) lines.push(`${ms(event.timeMs).padStart(11)}  ${event.text}`);
  if (events.length > shown.length) lines.push(`... ${events.length - shown.length} more events`);
  return lines.join('\n');
}

function command(args: readonly string[]): string {
  const name = (args[0] ?? '').toUpperCase();
  if (name === 'EVALSHA' || name === 'EVAL') {
    const script = SCRIPT_NAMES.get(name === 'EVALSHA' ? (args[1] ?? '') : sha1(args[1] ?? ''));
    const keyCount = Number(args[2]);
    return `${script ?? 'script'}(${args.slice(3, 3 + keyCount).join(' ')})`;
  }
  return args.map((a) => (a.length > 12 ? `${a.slice(0, 8)}..` : a)).join(' ');
}

function reply(value: RedisReply): string {
  if (value === null) return 'nil';
  if (Array.isArray(value)) return `[${value.map((v: RedisReply) => reply(v)).join(', ')}]`;
  if (typeof value === 'object') return isStatus(value) ? value.status : isError(value) ? `error ${value.error.slice(0, 40)}` : '?';
  return String(value);
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}
