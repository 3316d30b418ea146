export { renderVerdictTable, wrap } from './verdict-table.js';
export type { VerdictTableOptions } from './verdict-table.js';
export type { VerdictRow } from './verdict-row.js';
export { VERDICT_COLUMNS } from './verdict-columns.js';
export type { VerdictColumn } from './verdict-columns.js';
export { renderHtmlReport } from './html-report.js';
export type { HtmlReportOptions, ReportInput, ReportScenario } from './html-report.js';
export { formatCount, formatMs, formatPercent, formatSeconds } from './format.js';
export { escapeHtml } from './escape.js';
