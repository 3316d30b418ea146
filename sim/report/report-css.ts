/** The report's only stylesheet, inlined so the file needs nothing else. */
export const REPORT_CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1d1d1f; background: #fff; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 28px 0 8px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f4f5f7; padding: 1px 4px; border-radius: 3px; }
dl.run, dl.expect { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
dt { color: #666; }
dd { margin: 0; }
table.verdicts { border-collapse: collapse; font-size: 12.5px; }
table.verdicts th, table.verdicts td { border-bottom: 1px solid #e3e3e6; padding: 4px 8px; vertical-align: top; }
table.verdicts th { background: #f4f5f7; text-align: left; }
.right { text-align: right; font-variant-numeric: tabular-nums; }
.left { text-align: left; }
.alarm { color: #c0121b; font-weight: 600; }
.pass { color: #1a7f37; font-weight: 600; }
.fail { color: #c0121b; font-weight: 600; }
.badge { font-size: 12px; padding: 1px 8px; border-radius: 10px; border: 1px solid currentColor; vertical-align: middle; }
section.scenario { border-top: 2px solid #e3e3e6; margin-top: 28px; }
.note { color: #555; font-size: 13px; }
.note.cut { color: #8a4b00; }
ul.checks { padding-left: 18px; font-size: 13px; }
.check { font-weight: 600; }
.check.valid { color: #1a7f37; } .check.invalid { color: #c0121b; } .check.unknown { color: #8a4b00; }
ul.legend { list-style: none; padding: 0; font-size: 13px; }
ul.legend li { margin: 3px 0; }
.key { display: inline-block; width: 26px; height: 11px; vertical-align: middle; margin-right: 6px; text-align: center; line-height: 11px; }
.bar-key { background: hsl(200, 62%, 46%); }
.dash-key { border-top: 2px dashed #888; height: 0; }
.fault-key { background: rgba(242, 201, 76, 0.35); }
.violation-key { background: rgba(230, 0, 0, 0.35); outline: 1.5px solid #d00000; }
.stale-key { color: #111; font-weight: 700; }
.late-key { background: #f2994a; width: 10px; transform: rotate(45deg); margin: 0 14px 0 8px; }
.ok-key { background: #2d7d46; width: 3px; margin: 0 18px 0 5px; }
.figure { overflow-x: auto; }
svg.timeline { display: block; font: 10.5px system-ui, sans-serif; }
svg .lane { fill: #f6f7f9; }
svg .lane-label { fill: #333; }
svg .fault rect { fill-opacity: 0.28; }
svg.rates rect.fault { fill: #f2c94c; fill-opacity: 0.3; }
svg.rates text { font-size: 11px; }
svg .fault-label { fill: #5a4a00; font-weight: 600; }
svg .bar { stroke: #fff; stroke-width: 0.4; }
svg .bar-validity { fill-opacity: 0.5; }
svg .bar-label { fill: #fff; font-weight: 600; pointer-events: none; }
svg .acquiring { stroke: #888; stroke-width: 1.2; stroke-dasharray: 3 2; }
svg .violation-fill { fill: #e60000; fill-opacity: 0.35; }
svg .violation rect { fill: #e60000; fill-opacity: 0.08; stroke: #d00000; stroke-width: 1.5; }
svg .violation path { fill: #d00000; }
svg .violation-label { fill: #c0121b; }
svg .mark-label { fill: #111; font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg .stale-write { stroke: #111; stroke-width: 2.4; fill: none; }
svg .late-write { fill: #f2994a; stroke: #8a4b00; stroke-width: 1; }
svg .write-ok { fill: #2d7d46; fill-opacity: 0.8; }
svg .ok-label { fill: #2d7d46; }
svg .axis, svg .tick { stroke: #888; }
svg .tick-label { fill: #555; }
`;
