import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../../sim/report/index.js';
import type { ReportInput } from '../../../sim/report/index.js';
import { HistoryBuilder } from './history-builder.js';
import { busyRun, gcPauseRun, kleppmannRun, row, sampleReportInput } from './sample-runs.js';

function scenario(name: string, history: ReturnType<typeof busyRun>['events'], fields = {}): ReportInput['scenarios'][number] {
  return { name, description: `${name} description`, row: row(name, fields), history };
}

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(sampleReportInput());

  it('is one self-contained page: inline CSS and SVG, no script, no external URL', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).toMatch(/<svg class="timeline"/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link |<img |src=|@import|url\(/i);
  });

  it('shows the seed, the command and the verdict table with every scenario', () => {
    expect(html).toContain('seed 42');
    expect(html).toContain('redquorum sim --seed 42');
    expect(html).toContain('<table class="verdicts">');
    for (const name of ['baseline', 'clock-jump', 'client-pause-hold']) expect(html).toContain(`>${name}</a>`);
    expect(html).toContain('2 of 3 scenarios matched');
    expect(html).toMatch(/class="left alarm fail">FAIL/);
  });

  it("draws Kleppmann's scenario: the fault shaded, the overlap in red, the stale write rejected", () => {
    const section = html.slice(html.indexOf('id="scenario-2"'), html.indexOf('id="scenario-3"'));
    expect(section).toContain('<g class="fault"><title>fault clock-jump: node 2 wall clock +2000 ms');
    expect(section).toMatch(/<g class="violation"><title>LOCK VIOLATION on r0: worker 1 \(w1-b, fence 33\) and worker 2 \(w2-a, fence 34\) both held it for 194\.0 ms/);
    expect(section).toContain('class="stale-write"');
    expect(section).toContain('stale write REJECTED by the register: worker 1, lockId w1-b, fence 33');
    expect(section).toContain('Close-up: the first lock violation, on r0 (workers 1 and 2), and the stale write the fenced register rejected (worker 1, fence 33)');
    expect(section).toContain('two holders at once: 194 ms');
    // The second holder is drawn on the lane's second row, so both bars are visible.
    const bars = [...section.matchAll(/<rect class="bar[^"]*" x="[\d.]+" y="([\d.]+)"[^>]*><title>worker (\d)/g)];
    const y1 = bars.find((m) => m[2] === '1')?.[1];
    const y2 = bars.find((m) => m[2] === '2')?.[1];
    expect(Number(y2)).toBeGreaterThan(Number(y1));
  });

  it('features the violation whose stale write was rejected, not merely the first one', () => {
    const h = new HistoryBuilder();
    // r0: an overlap whose writes happen to land in token order (nothing rejected).
    h.acquire({ worker: 1, lockId: 'a', resource: 'r0', invokeMs: 1000, okMs: 1004, validUntilMs: 1988, fence: '1' });
    h.write({ worker: 1, lockId: 'a', resource: 'r0', invokeMs: 1010, accepted: true, seq: 1, fence: '1', read: 0 });
    h.acquire({ worker: 2, lockId: 'b', resource: 'r0', invokeMs: 1100, okMs: 1102, validUntilMs: 2000, fence: '2' });
    h.write({ worker: 2, lockId: 'b', resource: 'r0', invokeMs: 1110, accepted: true, seq: 2, fence: '2', read: 1 });
    // r1, later: Kleppmann's whole story, the older holder's write arrives last and is rejected.
    h.acquire({ worker: 3, lockId: 'c', resource: 'r1', invokeMs: 3000, okMs: 3004, validUntilMs: 3988, fence: '5' });
    h.acquire({ worker: 4, lockId: 'd', resource: 'r1', invokeMs: 3100, okMs: 3104, validUntilMs: 4090, fence: '6' });
    h.write({ worker: 4, lockId: 'd', resource: 'r1', invokeMs: 3110, accepted: true, seq: 1, fence: '6', read: 0 });
    h.write({ worker: 3, lockId: 'c', resource: 'r1', invokeMs: 3200, doneMs: 3210, accepted: false, seq: 0, fence: '5', read: 0 });
    const page = renderHtmlReport({ seed: 1, command: 'c', scenarios: [scenario('clock-jump', h.events)] });
    expect(page).toContain('Close-up: a lock violation, on r1 (workers 3 and 4), and the stale write the fenced register rejected (worker 3, fence 5)');
    const closeUp = page.slice(page.indexOf('<h3>Close-up'));
    expect(closeUp).toContain('class="stale-write"');
    expect(closeUp).not.toContain('worker 1 (a');
    // Without a rejected write, the first violation is featured as before.
    const plain = new HistoryBuilder();
    plain.events.push(...h.events.filter((event) => event.kind !== 'op' || event.resource === 'r0'));
    expect(renderHtmlReport({ seed: 1, command: 'c', scenarios: [scenario('x', plain.events)] })).toMatch(/Close-up: the first lock violation, on r0 \(workers 1 and 2\)</);
  });

  it("names the violating holders' accepted writes in the close-up and keeps both bars' colours", () => {
    const h = new HistoryBuilder();
    h.acquire({ worker: 1, lockId: 'a', invokeMs: 1000, okMs: 1002, validUntilMs: 1990, fence: '1' });
    h.acquire({ worker: 2, lockId: 'b', invokeMs: 1100, okMs: 1102, validUntilMs: 2090, fence: '2' });
    h.write({ worker: 2, lockId: 'b', invokeMs: 1590, doneMs: 1600, accepted: true, seq: 1, fence: '2', read: 0 });
    h.release({ worker: 2, lockId: 'b', invokeMs: 1700 });
    h.write({ worker: 1, lockId: 'a', invokeMs: 1740, doneMs: 1750, accepted: false, seq: 0, fence: '1', read: 0 });
    h.release({ worker: 1, lockId: 'a', invokeMs: 1800 });
    h.acquire({ worker: 3, lockId: 'c', invokeMs: 1801, okMs: 1803, validUntilMs: 2790, fence: '3' });
    h.write({ worker: 3, lockId: 'c', invokeMs: 1840, doneMs: 1850, accepted: true, seq: 2, fence: '3', read: 1 });
    h.release({ worker: 3, lockId: 'c', invokeMs: 1860 });
    // A write invoked in the close-up's span but answered long after it.
    h.write({ worker: 4, lockId: 'z', invokeMs: 1700, doneMs: 9000, accepted: false, seq: 0, fence: '0', read: 0 });
    const page = renderHtmlReport({ seed: 1, command: 'c', scenarios: [scenario('clock-jump', h.events)] });
    const closeUp = page.slice(page.indexOf('<h3>Close-up'));
    expect(closeUp).toContain('>write accepted (fence 2)</text>');
    expect(closeUp).toContain('>stale write rejected (fence 1)</text>');
    // Worker 3 holds no violation: its write is a tick without words.
    expect(closeUp).not.toContain('write accepted (fence 3)');
    expect(closeUp).toContain('fence 3, answered at');
    // A mark is drawn at its own time or not at all, never pinned to the span's edge.
    expect(closeUp).not.toContain('lockId z');
    // The violation's fill lies under the bars, so neither holder's colour is tinted.
    expect(closeUp.indexOf('class="violation-fill"')).toBeGreaterThan(0);
    expect(closeUp.indexOf('class="violation-fill"')).toBeLessThan(closeUp.indexOf('<rect class="bar'));
    expect(closeUp.indexOf('<g class="violation">')).toBeGreaterThan(closeUp.indexOf('<rect class="bar'));
  });

  it('marks the late write of a paused holder', () => {
    const section = html.slice(html.indexOf('id="scenario-3"'));
    expect(section).toContain('class="late-write"');
    expect(section).toMatch(/LATE: reached the register 1132\.0 ms after its validity ended/);
    expect(section).toContain('fault client-pause: SIGSTOP worker 9');
  });

  it('marks nothing for a clean run', () => {
    const clean = renderHtmlReport({ seed: 1, command: 'c', scenarios: [scenario('baseline', busyRun({ seed: 3, durationMs: 2000, resources: 2, workers: 3 }).events)] });
    expect(clean).not.toContain('class="violation"');
    expect(clean).not.toContain('class="stale-write"');
    expect(clean).not.toContain('class="late-write"');
    expect(clean).not.toContain('Close-up');
    expect(clean).toContain('<rect class="bar"');
  });

  it('escapes text from the run', () => {
    const page = renderHtmlReport({
      seed: '<s>',
      command: 'sim "a" & b',
      scenarios: [scenario('x<y>', kleppmannRun().events, { observed: '<b>bold</b>' })],
    });
    expect(page).not.toContain('<s>');
    expect(page).not.toContain('<b>bold</b>');
    expect(page).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(page).toContain('sim &quot;a&quot; &amp; b');
  });

  it('still renders when a history is malformed or empty, saying why there is no timeline', () => {
    const bad = new HistoryBuilder();
    // One acquisition acquired twice: no checker can judge that.
    bad.events.push({ kind: 'op', type: 'ok', f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId: 'a', timeMs: 5, validUntilMs: 900 });
    bad.events.push({ kind: 'op', type: 'ok', f: 'acquire', worker: 1, group: 0, resource: 'r0', lockId: 'a', timeMs: 6, validUntilMs: 900 });
    const page = renderHtmlReport({ seed: 1, command: 'c', scenarios: [scenario('bad', bad.events), scenario('empty', [])] });
    expect(page).toContain('No timeline: the history could not be drawn (HistoryFormatError');
    expect(page).toContain('recorded no events');
  });

  it('caps bars per scenario, says what was cut, and keeps the violation in view', () => {
    const big = busyRun({ seed: 5, durationMs: 60_000, resources: 6, workers: 10, startMs: 0 });
    // A late violation, far from the start, must still be in the cut overview.
    big.acquire({ worker: 11, lockId: 'intruder', resource: 'r3', invokeMs: 50_000, okMs: 50_001, validUntilMs: 50_900 });
    const page = renderHtmlReport({ seed: 1, command: 'c', scenarios: [scenario('big', big.events)] }, { maxBarsPerScenario: 500 });
    const overview = page.slice(page.indexOf('<h3>Timeline</h3>'), page.indexOf('<h3>Close-up'));
    const bars = (overview.match(/<rect class="bar/g) ?? []).length;
    expect(bars).toBeGreaterThan(400);
    expect(bars).toBeLessThanOrEqual(500);
    expect(overview).toMatch(/Overview cut to 500 of \d+ acquisitions .* around the first lock violation/);
    expect(overview).toContain('class="violation"');
  });

  it('stays small: a long scenario costs under 300 KB, so a catalog of 16 stays under 5 MB', () => {
    const busy = busyRun({ seed: 9, durationMs: 120_000, resources: 8, workers: 16 }).events;
    expect(busy.length).toBeGreaterThan(100_000);
    const started = performance.now();
    const one = renderHtmlReport({ seed: 1, command: 'c', scenarios: [scenario('long', busy), scenario('pause', gcPauseRun().events)] });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(one.length).toBeLessThan(300_000);
    expect(one.length * 16).toBeLessThan(5 * 1024 * 1024);
  });

  it('rejects a bad limit, naming it', () => {
    expect(() => renderHtmlReport(sampleReportInput(), { maxBarsPerScenario: 0 })).toThrow(/maxBarsPerScenario/);
  });
});
