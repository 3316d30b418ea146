import type { CheckResult } from '../checker/check-result.js';
import type { HistoryEvent } from '../history/types.js';
import { escapeHtml } from './escape.js';
import { REPORT_CSS } from './report-css.js';
import { closeUpModel, overviewModel, timelineFacts, type TimelineLimits, type TimelineModel } from './timeline-model.js';
import { rateModel, renderRateSvg } from './rate-chart.js';
import { renderTimelineSvg } from './timeline-svg.js';
import { VERDICT_COLUMNS } from './verdict-columns.js';
import type { VerdictRow } from './verdict-row.js';

/** One scenario of a run, as the report shows it. */
export interface ReportScenario {
  /** Scenario id, e.g. "clock-jump". */
  readonly name: string;
  /** What was done and why, one or two sentences. */
  readonly description: string;
  readonly row: VerdictRow;
  readonly history: readonly HistoryEvent[];
  /** The checkers' results, listed under the scenario. @default none */
  readonly checks?: readonly CheckResult[];
}

/** Everything a report shows. */
export interface ReportInput {
  /** The seed of the run: the same seed gives the same fault schedule. */
  readonly seed: string | number | bigint;
  /** The command line that produced the run, to reproduce it. */
  readonly command: string;
  /** When the run happened (any text, e.g. an ISO date). @default not shown */
  readonly generatedAt?: string;
  readonly scenarios: readonly ReportScenario[];
}

/** Size limits of {@link renderHtmlReport}. */
export interface HtmlReportOptions {
  /** Acquisition bars in each scenario's overview. @default 800 */
  readonly maxBarsPerScenario?: number;
  /** Resource lanes per timeline. @default 24 */
  readonly maxLanes?: number;
  /** Violations and write marks per timeline. @default 300 */
  readonly maxMarks?: number;
  /** Timeline width in CSS pixels. @default 1300 */
  readonly widthPx?: number;
}

const DEFAULTS = { maxBarsPerScenario: 800, maxLanes: 24, maxMarks: 300, widthPx: 1300 } as const;
const LIMIT_RANGES: Readonly<Record<keyof HtmlReportOptions, readonly [number, number]>> = {
  maxBarsPerScenario: [1, 20_000],
  maxLanes: [1, 500],
  maxMarks: [0, 10_000],
  widthPx: [400, 10_000],
};
const MAX_ROWS_PER_LANE = 4;
const CLOSE_UP_MAX_BARS = 200;

/**
 * A self-contained HTML report: inline CSS and inline SVG, no script, no external
 * resource, so it opens anywhere and can be archived as one file. Pure: returns the
 * page as a string; the caller writes it.
 */
export function renderHtmlReport(input: ReportInput, options: HtmlReportOptions = {}): string {
  const limits = resolveLimits(options);
  const failed = input.scenarios.filter((s) => !s.row.pass).length;
  const title = `redquorum fault lab, seed ${String(input.seed)}`;
  const parts: string[] = [];
  parts.push('<!doctype html>', '<html lang="en">', '<head>', '<meta charset="utf-8">');
  parts.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  parts.push(`<title>${escapeHtml(title)}</title>`, `<style>${REPORT_CSS}</style>`, '</head>', '<body>');
  parts.push(`<h1>${escapeHtml(title)}</h1>`);
  parts.push('<dl class="run">');
  parts.push(`<dt>seed</dt><dd><code>${escapeHtml(String(input.seed))}</code></dd>`);
  parts.push(`<dt>command</dt><dd><code>${escapeHtml(input.command)}</code></dd>`);
  if (input.generatedAt !== undefined) parts.push(`<dt>run at</dt><dd>${escapeHtml(input.generatedAt)}</dd>`);
  parts.push(
    `<dt>result</dt><dd class="${failed === 0 ? 'pass' : 'fail'}">${input.scenarios.length - failed} of ${input.scenarios.length} scenarios matched the prediction</dd>`,
  );
  parts.push('</dl>');
  parts.push('<h2>Verdicts</h2>', renderVerdictHtml(input.scenarios));
  parts.push(LEGEND_HTML);
  input.scenarios.forEach((scenario, index) => parts.push(renderScenario(scenario, index, limits)));
  parts.push('</body>', '</html>');
  return `${parts.join('\n')}\n`;
}

function resolveLimits(options: HtmlReportOptions): Required<HtmlReportOptions> {
  const resolved = { ...DEFAULTS, ...options };
  for (const key of Object.keys(LIMIT_RANGES) as (keyof HtmlReportOptions)[]) {
    const value = resolved[key];
    const [low, high] = LIMIT_RANGES[key];
    if (!Number.isSafeInteger(value) || value < low || value > high) {
      throw new RangeError(`${key} must be an integer in [${low}, ${high}], got ${String(value)}`);
    }
  }
  return resolved;
}

function anchor(index: number): string {
  return `scenario-${index + 1}`;
}

function renderVerdictHtml(scenarios: readonly ReportScenario[]): string {
  const head = VERDICT_COLUMNS.map((c) => `<th class="${c.align}">${escapeHtml(c.header)}</th>`).join('');
  const body = scenarios.map((scenario, index) => {
    const cells = VERDICT_COLUMNS.map((column) => {
      const classes: string[] = [column.align];
      if (column.alarm?.(scenario.row) === true) classes.push('alarm');
      if (column.header === 'verdict') classes.push(scenario.row.pass ? 'pass' : 'fail');
      const text = escapeHtml(column.cell(scenario.row));
      const content = column.header === 'scenario' ? `<a href="#${anchor(index)}">${text}</a>` : text;
      return `<td class="${classes.join(' ')}">${content}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<table class="verdicts"><thead><tr>${head}</tr></thead><tbody>\n${body.join('\n')}\n</tbody></table>`;
}

function renderScenario(scenario: ReportScenario, index: number, limits: Required<HtmlReportOptions>): string {
  const { row } = scenario;
  const parts: string[] = [];
  parts.push(`<section class="scenario" id="${anchor(index)}">`);
  parts.push(
    `<h2>${escapeHtml(scenario.name)} <span class="badge ${row.pass ? 'pass' : 'fail'}">${row.pass ? 'PASS' : 'FAIL'}</span></h2>`,
  );
  parts.push(`<p class="description">${escapeHtml(scenario.description)}</p>`);
  parts.push('<dl class="expect">');
  parts.push(`<dt>faults</dt><dd>${escapeHtml(row.faults)}</dd>`);
  parts.push(`<dt>expected</dt><dd>${escapeHtml(row.expected)}</dd>`);
  parts.push(`<dt>observed</dt><dd>${escapeHtml(row.observed)}</dd>`);
  parts.push('</dl>');
  if (scenario.checks !== undefined && scenario.checks.length > 0) {
    parts.push('<ul class="checks">');
    for (const check of scenario.checks) {
      const verdict = check.valid === true ? 'valid' : check.valid === false ? 'invalid' : 'unknown';
      parts.push(`<li><span class="check ${verdict}">${verdict}</span> <b>${escapeHtml(check.name)}</b>: ${escapeHtml(check.summary)}</li>`);
    }
    parts.push('</ul>');
  }
  parts.push(renderTimelines(scenario, limits));
  parts.push('</section>');
  return parts.join('\n');
}

function renderTimelines(scenario: ReportScenario, limits: Required<HtmlReportOptions>): string {
  if (scenario.history.length === 0) return '<p class="note">This scenario recorded no events.</p>';
  const base: Omit<TimelineLimits, 'maxBars' | 'showAcceptedWrites'> = {
    maxLanes: limits.maxLanes,
    maxMarks: limits.maxMarks,
    maxRowsPerLane: MAX_ROWS_PER_LANE,
  };
  try {
    const facts = timelineFacts(scenario.history);
    const parts: string[] = [];
    parts.push('<h3>The whole run: acquisitions per second and acquire latency p50, per client group</h3>');
    parts.push(`<div class="figure">${renderRateSvg(rateModel(scenario.history), { widthPx: limits.widthPx, ariaLabel: `${scenario.name}: rates over the whole run` })}</div>`);
    const overview = overviewModel(facts, { ...base, maxBars: limits.maxBarsPerScenario, showAcceptedWrites: false });
    parts.push('<h3>Timeline</h3>');
    parts.push(cutNotes(overview));
    parts.push(figure(overview, `${scenario.name}: holders per resource over time`, limits.widthPx, false));
    const closeUp = closeUpModel(facts, { ...base, maxBars: CLOSE_UP_MAX_BARS, showAcceptedWrites: true });
    if (closeUp !== undefined) {
      parts.push(`<h3>${escapeHtml(closeUp.title)}</h3>`);
      parts.push(cutNotes(closeUp.model));
      parts.push(figure(closeUp.model, closeUp.title, limits.widthPx, true));
    }
    return parts.join('\n');
  } catch (error) {
    // The report must still be written when a history is malformed; the checkers say
    // "unknown" for it, and the page says why there is no timeline.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return `<p class="note fail">No timeline: the history could not be drawn (${escapeHtml(message)}).</p>`;
  }
}

function figure(model: TimelineModel, label: string, widthPx: number, labels: boolean): string {
  return `<div class="figure">${renderTimelineSvg(model, { ariaLabel: label, widthPx, labels })}</div>`;
}

function cutNotes(model: TimelineModel): string {
  if (model.cutNotes.length === 0) return '';
  return model.cutNotes.map((note) => `<p class="note cut">${escapeHtml(note)}</p>`).join('\n');
}

const LEGEND_HTML = `<h2>How to read the timelines</h2>
<ul class="legend">
<li><span class="key bar-key"></span> one acquisition: a bar from the acquire's ok to its release (or, if earlier, the end of the validity the client computed), one lane per resource, coloured by worker. Hover for worker, lockId and fencing token. A paler bar ended at its validity end without a release.</li>
<li><span class="key dash-key"></span> (close-ups) the time the acquire was in flight before it returned.</li>
<li><span class="key fault-key"></span> a fault window, named at the top; hover for details.</li>
<li><span class="key violation-key"></span> a lock violation: two holders of one resource at once. A second holder is drawn on the lane's next row.</li>
<li><span class="key stale-key">&#x2715;</span> a write the Kleppmann register rejected: a stale writer (its validity had ended, or a newer holder's larger token had reached the register first), or a <em>regression victim</em> (a newer holder whose token regressed, shut out by an older holder's larger token); the label says which.</li>
<li><span class="key late-key"></span> a late write: it reached the register after the writer's validity had ended (a process pause, as in Kleppmann's example).</li>
<li><span class="key ok-key"></span> (close-ups) a write the register accepted; named when its writer is one of the two holders of a violation.</li>
</ul>
<p class="note">Each critical section is a slow increment of three registers outside the faulted network: the <b>Kleppmann register</b> (the read presents the token and the lock's value and raises the highest token seen; the write is accepted only if its token is still the highest and the same lock presented it), and two negative controls, a register that checks the token only at the write (two overlapping holders in token order both get in: a lost update) and one with no check (stale writes accepted). The verdict table counts each register's lost updates and stale writes accepted; the timelines draw the Kleppmann register's writes. Kleppmann's scenario (clock-jump, crash-immediate-restart: see their close-ups) reads as: two bars on one lane overlapping in red, one holder's write accepted, then a cross where the other holder's write is rejected. After a clock jump that is the older holder's write. After the arbiter's crash without persistence its fencing counter is gone too, so the newer holder may carry the smaller token (a token regression, counted in the table) and be the one rejected: fencing keeps the register's writes in token order, not in the order the locks were taken. The chart above each timeline spans the whole run. All times are CLOCK_MONOTONIC seconds from the first event of the scenario.</p>`;
