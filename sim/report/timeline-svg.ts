import type { HoldWindow } from '../checker/hold-windows.js';
import { escapeHtml } from './escape.js';
import type { TimelineModel, TimelineWrite } from './timeline-model.js';

/** Drawing options of {@link renderTimelineSvg}. */
export interface TimelineSvgOptions {
  /** Total width in CSS pixels. @default 1300 */
  readonly widthPx?: number;
  /** Write text labels on bars and marks (close-ups, where they fit). @default false */
  readonly labels?: boolean;
  /** Accessible name of the figure. */
  readonly ariaLabel: string;
}

const GUTTER_PX = 120;
const RIGHT_PAD_PX = 16;
const ROW_PX = 14;
const LANE_PAD_PX = 6;
const FAULT_LABEL_ROW_PX = 14;
const MAX_FAULT_LABEL_ROWS = 4;
const AXIS_PX = 26;
const LABEL_CHAR_PX = 6.2;
const MIN_MARK_PX = 3;
const FAULT_COLORS = ['#f2c94c', '#56ccf2', '#bb6bd9', '#6fcf97', '#f2994a', '#9b9b9b', '#eb5757'];

/** A worker's colour: golden-angle hues, so neighbouring worker ids look different. */
export function workerColor(worker: number): string {
  return `hsl(${((worker * 137.508) % 360).toFixed(1)}, 62%, 46%)`;
}

/** A fault's shading colour, stable per nemesis name. */
export function faultColor(name: string): string {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return FAULT_COLORS[hash % FAULT_COLORS.length] ?? '#9b9b9b';
}

/**
 * One timeline as inline SVG: a lane per resource, each acquisition a bar coloured by
 * worker (details in its <title>, shown on hover), faults shaded, lock violations in
 * red, rejected stale writes as a cross, late writes as an orange diamond.
 */
export function renderTimelineSvg(model: TimelineModel, options: TimelineSvgOptions): string {
  const widthPx = options.widthPx ?? 1300;
  const labels = options.labels ?? false;
  const plotWidthPx = widthPx - GUTTER_PX - RIGHT_PAD_PX;
  const spanMs = Math.max(model.toMs - model.fromMs, 1e-6);
  const x = (ms: number): number => GUTTER_PX + ((clamp(ms, model.fromMs, model.toMs) - model.fromMs) / spanMs) * plotWidthPx;
  const rel = (ms: number): string => `${((ms - model.originMs) / 1000).toFixed(3)} s`;

  // Fault labels stack in rows above the plot so overlapping faults stay readable.
  const labelRowEnds: number[] = [];
  const faultLabels = model.faults.map((fault) => {
    const x0 = x(fault.startMs);
    const widthOfLabel = fault.name.length * LABEL_CHAR_PX + 8;
    let row = labelRowEnds.findIndex((end) => end <= x0);
    if (row === -1 && labelRowEnds.length < MAX_FAULT_LABEL_ROWS) row = labelRowEnds.push(0) - 1;
    if (row !== -1) labelRowEnds[row] = x0 + widthOfLabel;
    return row;
  });
  // With labels, violations get their own text row above the lanes, clear of the bars' marks.
  const violationLabelRow = labels && model.violations.length > 0 ? FAULT_LABEL_ROW_PX : 0;
  const plotTopPx = 4 + Math.max(1, labelRowEnds.length) * FAULT_LABEL_ROW_PX + violationLabelRow;

  const laneTop = new Map<string, number>();
  let y = plotTopPx;
  for (const lane of model.lanes) {
    laneTop.set(lane.resource, y);
    y += lane.rows * ROW_PX + LANE_PAD_PX;
  }
  const plotBottomPx = Math.max(y, plotTopPx + ROW_PX);
  const heightPx = plotBottomPx + AXIS_PX;
  const laneHeight = (resource: string): number =>
    (model.lanes.find((l) => l.resource === resource)?.rows ?? 1) * ROW_PX + LANE_PAD_PX - 2;
  const rowOf = new Map<string, number>(model.windows.map(({ window, row }) => [`${window.resource}\u0000${window.lockId}`, row]));
  const rowY = (resource: string, lockId: string): number =>
    (laneTop.get(resource) ?? plotTopPx) + (rowOf.get(`${resource}\u0000${lockId}`) ?? 0) * ROW_PX + 1;

  // Labels that would run into an earlier one on the same line are left out (the
  // <title> on hover still has everything).
  const labelLineEnds = new Map<number, number>();
  const label = (markX: number, yPx: number, text: string, extraClass = ''): string => {
    const fitsRight = markX + 8 + text.length * LABEL_CHAR_PX <= widthPx - RIGHT_PAD_PX;
    const startX = fitsRight ? markX + 8 : markX - 8 - text.length * LABEL_CHAR_PX;
    if (startX < (labelLineEnds.get(yPx) ?? -Infinity)) return '';
    labelLineEnds.set(yPx, startX + text.length * LABEL_CHAR_PX + 8);
    return sideLabel(markX, yPx, text, widthPx - RIGHT_PAD_PX, extraClass);
  };

  const out: string[] = [];
  out.push(
    `<svg class="timeline" viewBox="0 0 ${widthPx} ${heightPx}" width="${widthPx}" height="${heightPx}" role="img" aria-label="${escapeHtml(options.ariaLabel)}">`,
  );
  // Lanes.
  model.lanes.forEach((lane, index) => {
    const top = laneTop.get(lane.resource) ?? 0;
    const h = laneHeight(lane.resource);
    if (index % 2 === 0) out.push(`<rect class="lane" x="${GUTTER_PX}" y="${f(top - 1)}" width="${f(plotWidthPx)}" height="${f(h + 2)}"/>`);
    out.push(`<text class="lane-label" x="${GUTTER_PX - 6}" y="${f(top + h / 2 + 4)}" text-anchor="end">${escapeHtml(truncate(lane.resource, 18))}</text>`);
  });
  // Fault shading.
  model.faults.forEach((fault, index) => {
    const x0 = x(fault.startMs);
    const x1 = x(fault.stopMs ?? model.toMs);
    const stop = fault.stopMs === undefined ? 'still on at the end' : rel(fault.stopMs);
    const title = `fault ${fault.name}${fault.detail === '' ? '' : `: ${fault.detail}`} (${rel(fault.startMs)} to ${stop})`;
    out.push(
      `<g class="fault"><title>${escapeHtml(title)}</title><rect x="${f(x0)}" y="${plotTopPx - 2}" width="${f(Math.max(x1 - x0, 1))}" height="${f(plotBottomPx - plotTopPx + 2)}" fill="${faultColor(fault.name)}"/>`,
    );
    const row = faultLabels[index] ?? -1;
    if (row !== -1) {
      out.push(`<text class="fault-label" x="${f(x0 + 2)}" y="${f(4 + row * FAULT_LABEL_ROW_PX + 10)}">${escapeHtml(fault.name)}</text>`);
    }
    out.push('</g>');
  });
  // Lock violations, first the fill under the bars: drawn over them it would tint the
  // second holder's bar until neither holder's colour could be told.
  for (const v of model.violations) {
    const top = laneTop.get(v.resource) ?? plotTopPx;
    const x0 = x(v.overlapStartMs);
    const w = Math.max(x(v.overlapEndMs) - x0, MIN_MARK_PX);
    out.push(`<rect class="violation-fill" x="${f(x0)}" y="${f(top - 1)}" width="${f(w)}" height="${f(laneHeight(v.resource) + 2)}"/>`);
  }
  // The holders in a violation, and where each bar's own label ends.
  const involved = new Set(model.violations.flatMap((v) => [v.first, v.second].map((w) => `${w.resource}\u0000${w.lockId}`)));
  const barLabelEnds = new Map<string, number>();
  // Acquisition bars (and, in close-ups, the acquiring time before each as a dashed line).
  for (const { window, row } of model.windows) {
    const top = (laneTop.get(window.resource) ?? plotTopPx) + row * ROW_PX + 1;
    const x0 = x(window.startMs);
    const x1 = x(window.endMs);
    const w = Math.max(x1 - x0, 1);
    if (labels && window.invokeMs !== undefined && window.invokeMs < window.startMs) {
      const xi = x(window.invokeMs);
      out.push(
        `<line class="acquiring" x1="${f(xi)}" y1="${f(top + ROW_PX / 2 - 1)}" x2="${f(x0)}" y2="${f(top + ROW_PX / 2 - 1)}"><title>worker ${window.worker} acquiring ${escapeHtml(window.lockId)} (${(window.startMs - window.invokeMs).toFixed(1)} ms)</title></line>`,
      );
    }
    const cls = window.endedBy === 'validity' ? 'bar bar-validity' : 'bar';
    out.push(
      `<rect class="${cls}" x="${f(x0)}" y="${f(top)}" width="${f(w)}" height="${ROW_PX - 2}" fill="${workerColor(window.worker)}"><title>${escapeHtml(barTitle(window, rel))}</title></rect>`,
    );
    if (labels) {
      const text = `w${window.worker}${window.fence === undefined ? '' : ` · fence ${window.fence}`}`;
      if (text.length * LABEL_CHAR_PX + 6 < w) {
        out.push(`<text class="bar-label" x="${f(x0 + 3)}" y="${f(top + ROW_PX - 4)}">${escapeHtml(text)}</text>`);
        barLabelEnds.set(`${window.resource}\u0000${window.lockId}`, x0 + 3 + text.length * LABEL_CHAR_PX);
      }
    }
  }
  // Lock violations: the overlap outlined in red across the lane, with a marker above it.
  for (const v of model.violations) {
    const top = laneTop.get(v.resource) ?? plotTopPx;
    const x0 = x(v.overlapStartMs);
    const w = Math.max(x(v.overlapEndMs) - x0, MIN_MARK_PX);
    const title =
      `LOCK VIOLATION on ${v.resource}: worker ${v.first.worker} (${v.first.lockId}${fenceText(v.first)}) and ` +
      `worker ${v.second.worker} (${v.second.lockId}${fenceText(v.second)}) both held it for ${v.overlapMs.toFixed(1)} ms, ` +
      `from ${rel(v.overlapStartMs)}`;
    out.push(
      `<g class="violation"><title>${escapeHtml(title)}</title><rect x="${f(x0)}" y="${f(top - 1)}" width="${f(w)}" height="${f(laneHeight(v.resource) + 2)}"/>` +
        `<path d="M${f(x0 - 5)},${f(top - 8)} h10 l-5,7 z"/></g>`,
    );
    if (labels) {
      const text = `two holders at once: ${v.overlapMs.toFixed(0)} ms (workers ${v.first.worker} and ${v.second.worker})`;
      out.push(label(x0 - 2, plotTopPx - 10, text, 'violation-label'));
    }
  }
  // Writes: rejected (cross at the answer), late (diamond at the invoke), accepted (tick,
  // close-ups). A mark whose moment lies outside the span is left out, not pinned to the
  // edge, where it would claim a time it did not happen at.
  const inSpan = (ms: number): boolean => ms >= model.fromMs && ms <= model.toMs;
  for (const write of model.writes) {
    const top = rowY(write.resource, write.lockId);
    const cy = top + ROW_PX / 2 - 1;
    if (write.late && inSpan(write.invokeMs)) {
      const cx = x(write.invokeMs);
      out.push(
        `<path class="late-write" d="M${f(cx)},${f(cy - 6)} l6,6 l-6,6 l-6,-6 z"><title>${escapeHtml(writeTitle(write, rel))}</title></path>`,
      );
    }
    if (!inSpan(write.completionMs)) continue;
    const cx = x(write.completionMs);
    if (!write.accepted) {
      out.push(
        `<path class="stale-write" d="M${f(cx - 5)},${f(cy - 5)} l10,10 m0,-10 l-10,10"><title>${escapeHtml(writeTitle(write, rel))}</title></path>`,
      );
      if (labels) {
        const text = write.regressedToken
          ? `regression victim's write rejected (fence ${write.fence} regressed)`
          : write.late
            ? `late write rejected (fence ${write.fence}, ${write.lateByMs.toFixed(0)} ms after its validity)`
            : `stale write rejected (fence ${write.fence})`;
        out.push(label(cx, cy + 4, text));
      }
    } else if (!write.late) {
      out.push(
        `<rect class="write-ok" x="${f(cx - 1)}" y="${f(top - 1)}" width="2" height="${ROW_PX}"><title>${escapeHtml(writeTitle(write, rel))}</title></rect>`,
      );
      // Only the writes of holders in a violation get words (the rest would bury the
      // story), to the mark's left, over the writer's own bar, clear of its start label.
      const key = `${write.resource}\u0000${write.lockId}`;
      if (labels && involved.has(key)) {
        const text = write.fence === '' ? 'write accepted' : `write accepted (fence ${write.fence})`;
        if (cx - 8 - text.length * LABEL_CHAR_PX >= (barLabelEnds.get(key) ?? -Infinity)) {
          out.push(`<text class="mark-label ok-label" x="${f(cx - 8)}" y="${f(cy + 4)}" text-anchor="end">${escapeHtml(text)}</text>`);
        }
      }
    } else if (labels) {
      out.push(label(x(write.invokeMs), cy + 4, 'late write accepted'));
    }
  }
  out.push(renderAxis(model, x, plotBottomPx));
  out.push('</svg>');
  return out.join('\n');
}

function renderAxis(model: TimelineModel, x: (ms: number) => number, top: number): string {
  const spanMs = model.toMs - model.fromMs;
  const stepMs = niceStep(spanMs / 10);
  const parts = [`<line class="axis" x1="${GUTTER_PX}" y1="${f(top)}" x2="${f(x(model.toMs))}" y2="${f(top)}"/>`];
  const first = Math.ceil((model.fromMs - model.originMs) / stepMs) * stepMs + model.originMs;
  for (let t = first, count = 0; t <= model.toMs && count < 40; t += stepMs, count += 1) {
    const tx = x(t);
    const label = stepMs >= 1000 ? `${((t - model.originMs) / 1000).toFixed(0)} s` : `${((t - model.originMs) / 1000).toFixed(stepMs >= 100 ? 1 : stepMs >= 10 ? 2 : 3)} s`;
    parts.push(`<line class="tick" x1="${f(tx)}" y1="${f(top)}" x2="${f(tx)}" y2="${f(top + 5)}"/>`);
    parts.push(`<text class="tick-label" x="${f(tx)}" y="${f(top + 17)}" text-anchor="middle">${label}</text>`);
  }
  return parts.join('\n');
}

/** 1, 2 or 5 times a power of ten, at least `roughMs`. */
export function niceStep(roughMs: number): number {
  const safe = Math.max(roughMs, 0.001);
  const power = 10 ** Math.floor(Math.log10(safe));
  for (const m of [1, 2, 5, 10]) if (m * power >= safe) return m * power;
  return 10 * power;
}

/** A mark's label to its right, or to its left when it would run off the plot. */
function sideLabel(markX: number, y: number, text: string, rightEdgePx: number, extraClass = ''): string {
  const fitsRight = markX + 8 + text.length * LABEL_CHAR_PX <= rightEdgePx;
  const cls = extraClass === '' ? 'mark-label' : `mark-label ${extraClass}`;
  const xText = fitsRight ? markX + 8 : markX - 8;
  return `<text class="${cls}" x="${f(xText)}" y="${f(y)}" text-anchor="${fitsRight ? 'start' : 'end'}">${escapeHtml(text)}</text>`;
}

function barTitle(window: HoldWindow, rel: (ms: number) => string): string {
  const end = window.endedBy === 'release' ? 'released' : 'validity ended (no release before it)';
  return (
    `worker ${window.worker} (group ${window.group}) held ${window.resource}: lockId ${window.lockId}${fenceText(window)}, ` +
    `${rel(window.startMs)} to ${rel(window.endMs)} (${(window.endMs - window.startMs).toFixed(1)} ms, ${end})`
  );
}

function writeTitle(write: TimelineWrite, rel: (ms: number) => string): string {
  const what = write.accepted
    ? 'write accepted'
    : write.regressedToken
      ? "regression victim's write REJECTED by the register (a newer holder whose token regressed)"
      : 'stale write REJECTED by the register';
  const fence = write.fence === '' ? 'no fence' : `fence ${write.fence}`;
  const late = write.late ? `; LATE: reached the register ${write.lateByMs.toFixed(1)} ms after its validity ended` : '';
  return `${what}: worker ${write.worker}, lockId ${write.lockId}, ${fence}, answered at ${rel(write.completionMs)}${late}`;
}

function fenceText(window: HoldWindow): string {
  return window.fence === undefined ? '' : `, fence ${window.fence}`;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** SVG coordinates with one decimal: enough for a screen, small in the file. */
function f(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}
