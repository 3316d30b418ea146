import { acquisitionKey, holdWindows, type HoldWindow } from '../checker/hold-windows.js';
import { findOverlaps, type MutexViolation } from '../checker/mutex.js';
import { checkTokenOrder } from '../checker/token-order.js';
import { faultWindows, type FaultWindow } from '../history/fault-windows.js';
import { pairOperations } from '../history/history.js';
import type { HistoryEvent } from '../history/types.js';

/** A write the resource answered, placed on the timeline. */
export interface TimelineWrite {
  readonly resource: string;
  readonly lockId: string;
  readonly worker: number;
  readonly invokeMs: number;
  readonly completionMs: number;
  readonly accepted: boolean;
  readonly fence: string;
  /** Reached the register after its lock's validity had ended. */
  readonly late: boolean;
  /** How long after the validity end it reached the register (ms; <= 0 when not late). */
  readonly lateByMs: number;
  /**
   * The writer is a newer holder whose token regressed (see checkTokenOrder): when it was
   * rejected it is a regression victim, not a stale writer.
   */
  readonly regressedToken: boolean;
}

/** Everything a timeline shows, already cut down to a bounded size. */
export interface TimelineModel {
  /** Origin of the time axis: the first event of the whole history. */
  readonly originMs: number;
  /** The span drawn. */
  readonly fromMs: number;
  readonly toMs: number;
  /** Resources drawn, one lane each, and each lane's number of sub-rows. */
  readonly lanes: readonly { readonly resource: string; readonly rows: number }[];
  readonly windows: readonly { readonly window: HoldWindow; readonly row: number }[];
  readonly violations: readonly MutexViolation[];
  readonly faults: readonly FaultWindow[];
  readonly writes: readonly TimelineWrite[];
  /** What was left out, in words, for the page; empty when nothing was. */
  readonly cutNotes: readonly string[];
}

/** The facts of one history that every view of it draws from. */
export interface TimelineFacts {
  readonly originMs: number;
  readonly endMs: number;
  readonly windows: readonly HoldWindow[];
  readonly violations: readonly MutexViolation[];
  readonly faults: readonly FaultWindow[];
  /** Rejected and late writes: the marks. */
  readonly markedWrites: readonly TimelineWrite[];
  readonly acceptedWrites: readonly TimelineWrite[];
}

/** Limits that keep a report small. */
export interface TimelineLimits {
  /** Acquisition bars drawn per view. */
  readonly maxBars: number;
  /** Resource lanes drawn per view. */
  readonly maxLanes: number;
  /** Violations and write marks drawn per view. */
  readonly maxMarks: number;
  /** Sub-rows per lane; overlapping holders go to the next sub-row. */
  readonly maxRowsPerLane: number;
  /** Draw accepted writes as ticks (close-ups only: too many for an overview). */
  readonly showAcceptedWrites: boolean;
}

/** Throws (HistoryFormatError) on a history the lock checker could not judge either. */
export function timelineFacts(history: readonly HistoryEvent[]): TimelineFacts {
  const windows = holdWindows(history).sort((a, b) => a.startMs - b.startMs);
  const byKey = new Map(windows.map((w) => [acquisitionKey(w), w]));
  const regressed = checkTokenOrder(history, { maxExamples: 0 }).details.regressedKeys;
  const markedWrites: TimelineWrite[] = [];
  const acceptedWrites: TimelineWrite[] = [];
  for (const { invoke, completion } of pairOperations(history, 'write').pairs) {
    const result = completion?.write;
    if (completion === undefined || result === undefined) continue;
    const window = byKey.get(acquisitionKey(invoke));
    const lateByMs = window === undefined || !window.validityTrusted ? 0 : completion.timeMs - (window.validUntilMs as number);
    const write: TimelineWrite = {
      resource: invoke.resource,
      lockId: invoke.lockId,
      worker: invoke.worker,
      invokeMs: invoke.timeMs,
      completionMs: completion.timeMs,
      accepted: result.accepted,
      fence: result.fence,
      late: lateByMs > 0,
      lateByMs,
      regressedToken: regressed.has(acquisitionKey(invoke)),
    };
    if (!write.accepted || write.late) markedWrites.push(write);
    else acceptedWrites.push(write);
  }
  let originMs = Infinity;
  let endMs = -Infinity;
  for (const event of history) {
    originMs = Math.min(originMs, event.timeMs);
    endMs = Math.max(endMs, event.timeMs);
  }
  if (!Number.isFinite(originMs)) {
    originMs = 0;
    endMs = 0;
  }
  return {
    originMs,
    endMs,
    windows,
    violations: findOverlaps(windows),
    faults: faultWindows(history),
    markedWrites,
    acceptedWrites,
  };
}

/**
 * The violation a reader should see: the first one that tells Kleppmann's whole story,
 * two holders at once and then one holder's write rejected by the fenced resource (the
 * older token arrived after the newer one); else the first violation. Undefined when
 * there is none.
 */
export function featuredViolation(facts: TimelineFacts): { violation: MutexViolation; rejected: TimelineWrite | undefined } | undefined {
  const rejected = new Map<string, TimelineWrite>();
  for (const write of facts.markedWrites) {
    if (!write.accepted && !rejected.has(acquisitionKey(write))) rejected.set(acquisitionKey(write), write);
  }
  for (const violation of facts.violations) {
    const write = rejected.get(acquisitionKey(violation.first)) ?? rejected.get(acquisitionKey(violation.second));
    if (write !== undefined) return { violation, rejected: write };
  }
  const first = facts.violations[0];
  return first === undefined ? undefined : { violation: first, rejected: undefined };
}

/**
 * Where a reader should look first: the featured lock violation, else the first late
 * write, else the first rejected write, else the first fault, else the start.
 */
export function focusTimeMs(facts: TimelineFacts): number {
  return (
    featuredViolation(facts)?.violation.overlapStartMs ??
    facts.markedWrites.find((w) => w.late)?.invokeMs ??
    facts.markedWrites.find((w) => !w.accepted)?.completionMs ??
    facts.faults[0]?.startMs ??
    facts.originMs
  );
}

/**
 * The overview: the whole history when it has at most `maxBars` acquisitions; otherwise
 * `maxBars` consecutive acquisitions around the focus (a quarter before it).
 */
export function overviewModel(facts: TimelineFacts, limits: TimelineLimits): TimelineModel {
  const { windows } = facts;
  if (windows.length <= limits.maxBars) {
    const toMs = Math.max(facts.endMs, facts.originMs + 1);
    return buildModel(facts, facts.originMs, toMs, limits, []);
  }
  const focusMs = focusTimeMs(facts);
  const focusIndex = Math.max(0, firstIndexAtOrAfter(windows, focusMs) - 1);
  const first = Math.max(0, Math.min(windows.length - limits.maxBars, focusIndex - Math.floor(limits.maxBars / 4)));
  const slice = windows.slice(first, first + limits.maxBars);
  const fromMs = slice[0]?.startMs ?? facts.originMs;
  // Ends at the slice's last start: a later end would take in the next windows too.
  const toMs = Math.max(slice[slice.length - 1]?.startMs ?? fromMs, fromMs + 1);
  const note =
    `Overview cut to ${slice.length} of ${windows.length} acquisitions ` +
    `(${rel(facts, fromMs)} to ${rel(facts, toMs)} of ${rel(facts, facts.endMs)}), chosen around ` +
    `${describeFocus(facts)}; numbers in the verdict table cover the whole run.`;
  // Only windows that start inside the span: exactly the slice, so the cap holds.
  return buildModel(facts, fromMs, toMs, limits, [note], undefined, true);
}

/**
 * A close-up of the first thing worth seeing (a violation, else a late or rejected
 * write), spanning the holders involved; undefined when the history has none.
 */
export function closeUpModel(facts: TimelineFacts, limits: TimelineLimits): { title: string; model: TimelineModel } | undefined {
  const featured = featuredViolation(facts);
  const violation = featured?.violation;
  const write = facts.markedWrites.find((w) => w.late) ?? facts.markedWrites[0];
  let fromMs: number;
  let toMs: number;
  let title: string;
  if (violation !== undefined) {
    fromMs = Math.min(violation.first.invokeMs ?? violation.first.startMs, violation.second.invokeMs ?? violation.second.startMs);
    toMs = Math.max(violation.first.endMs, violation.second.endMs);
    const stale = featured?.rejected;
    if (stale !== undefined) {
      toMs = Math.max(toMs, stale.completionMs);
      const first = violation === facts.violations[0] ? 'the first lock violation' : 'a lock violation';
      const what = stale.regressedToken
        ? `the regression victim's write the fenced register rejected (worker ${stale.worker}, fence ${stale.fence}: the newer holder, whose token regressed)`
        : `the stale write the fenced register rejected (worker ${stale.worker}, fence ${stale.fence})`;
      title = `Close-up: ${first}, on ${violation.resource} (workers ${violation.first.worker} and ${violation.second.worker}), and ${what}`;
    } else {
      const involved = facts.markedWrites.filter((w) => w.resource === violation.resource && w.completionMs >= fromMs);
      const next = involved.find((w) => w.completionMs <= toMs + (toMs - fromMs));
      if (next !== undefined) toMs = Math.max(toMs, next.completionMs);
      title = `Close-up: the first lock violation, on ${violation.resource} (workers ${violation.first.worker} and ${violation.second.worker})`;
    }
  } else if (write !== undefined) {
    const holder = facts.windows.find((w) => w.lockId === write.lockId && w.resource === write.resource);
    fromMs = Math.min(holder?.invokeMs ?? holder?.startMs ?? write.invokeMs, write.invokeMs);
    toMs = write.completionMs;
    title = write.late
      ? `Close-up: the first late write (worker ${write.worker}, ${write.lateByMs.toFixed(0)} ms after its validity ended)`
      : write.regressedToken
        ? `Close-up: the first write of a regression victim rejected (worker ${write.worker}, fence ${write.fence}: a newer holder whose token regressed)`
        : `Close-up: the first stale write rejected (worker ${write.worker}, fence ${write.fence})`;
  } else {
    return undefined;
  }
  const padMs = Math.max(20, (toMs - fromMs) * 0.08);
  const notes: string[] = [];
  // Only the resource in question: other lanes are noise at this scale.
  const resource = violation?.resource ?? write?.resource;
  const model = buildModel(facts, fromMs - padMs, toMs + padMs, limits, notes, resource);
  return { title, model };
}

function buildModel(
  facts: TimelineFacts,
  fromMs: number,
  toMs: number,
  limits: TimelineLimits,
  notes: string[],
  onlyResource?: string,
  startWithin = false,
): TimelineModel {
  const visible = (startMs: number, endMs: number): boolean => startMs < toMs && endMs > fromMs;
  const shown = (resource: string): boolean => onlyResource === undefined || resource === onlyResource;
  let windows = facts.windows.filter(
    (w) =>
      shown(w.resource) &&
      (startWithin ? w.startMs >= fromMs && w.startMs <= toMs : visible(w.startMs, Math.max(w.endMs, w.startMs + 1e-6))),
  );
  if (windows.length > limits.maxBars) {
    notes.push(`Only the first ${limits.maxBars} of ${windows.length} acquisitions in this span are drawn.`);
    windows = windows.slice(0, limits.maxBars);
  }
  let violations = facts.violations.filter((v) => shown(v.resource) && visible(v.overlapStartMs, Math.max(v.overlapEndMs, v.overlapStartMs + 1e-6)));
  let marked = facts.markedWrites.filter((w) => shown(w.resource) && w.completionMs >= fromMs && w.invokeMs <= toMs);
  const accepted = limits.showAcceptedWrites
    ? facts.acceptedWrites.filter((w) => shown(w.resource) && w.completionMs >= fromMs && w.invokeMs <= toMs).slice(0, limits.maxMarks)
    : [];
  if (violations.length > limits.maxMarks) {
    notes.push(`Only the first ${limits.maxMarks} of ${violations.length} lock violations in this span are marked.`);
    violations = violations.slice(0, limits.maxMarks);
  }
  if (marked.length > limits.maxMarks) {
    notes.push(`Only the first ${limits.maxMarks} of ${marked.length} rejected or late writes in this span are marked.`);
    marked = marked.slice(0, limits.maxMarks);
  }

  // Lanes: resources with something to show; those with violations or marks first when cut.
  const important = new Set([...violations.map((v) => v.resource), ...marked.map((w) => w.resource)]);
  let resources = [...new Set([...windows.map((w) => w.resource), ...marked.map((w) => w.resource)])].sort(naturalCompare);
  if (resources.length > limits.maxLanes) {
    const ordered = [...resources.filter((r) => important.has(r)), ...resources.filter((r) => !important.has(r))];
    const kept = new Set(ordered.slice(0, limits.maxLanes));
    notes.push(`Only ${limits.maxLanes} of ${resources.length} resources are drawn (those with violations or marks first).`);
    resources = resources.filter((r) => kept.has(r));
    windows = windows.filter((w) => kept.has(w.resource));
    violations = violations.filter((v) => kept.has(v.resource));
    marked = marked.filter((w) => kept.has(w.resource));
  }

  const placed: { window: HoldWindow; row: number }[] = [];
  const lanes = resources.map((resource) => {
    const rowEnds: number[] = [];
    for (const window of windows.filter((w) => w.resource === resource)) {
      let row = rowEnds.findIndex((end) => end <= window.startMs);
      if (row === -1 && rowEnds.length < limits.maxRowsPerLane) row = rowEnds.push(window.endMs) - 1;
      if (row === -1) row = rowEnds.indexOf(Math.min(...rowEnds));
      rowEnds[row] = Math.max(rowEnds[row] ?? 0, window.endMs);
      placed.push({ window, row });
    }
    return { resource, rows: Math.max(1, rowEnds.length) };
  });
  const faults = facts.faults.filter((f) => visible(f.startMs, f.stopMs ?? Infinity));
  return {
    originMs: facts.originMs,
    fromMs,
    toMs,
    lanes,
    windows: placed,
    violations,
    faults,
    writes: [...marked, ...accepted],
    cutNotes: notes,
  };
}

function describeFocus(facts: TimelineFacts): string {
  const featured = featuredViolation(facts);
  if (featured?.rejected !== undefined && featured.violation !== facts.violations[0]) return 'a lock violation followed by a rejected stale write';
  if (facts.violations.length > 0) return 'the first lock violation';
  if (facts.markedWrites.some((w) => w.late)) return 'the first late write';
  if (facts.markedWrites.length > 0) return 'the first rejected write';
  if (facts.faults.length > 0) return 'the first fault';
  return 'the start';
}

function rel(facts: TimelineFacts, ms: number): string {
  return `${((ms - facts.originMs) / 1000).toFixed(1)} s`;
}

function firstIndexAtOrAfter(windows: readonly HoldWindow[], timeMs: number): number {
  const index = windows.findIndex((w) => w.startMs >= timeMs);
  return index === -1 ? windows.length : index;
}

/** "r2" before "r10". */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
