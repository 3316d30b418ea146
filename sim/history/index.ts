export type { FaultEvent, HistoryEvent, Op, OpName, OpType, WriteResult } from './types.js';
export { HistoryFormatError, HistoryParseError } from './history-format-error.js';
export { JsonlHistoryWriter, parseHistoryJsonl, readHistoryFile } from './jsonl.js';
export type { JsonlWriterOptions, ParseHistoryOptions } from './jsonl.js';
export { validateHistoryEvent } from './validate-event.js';
export { operations, opKey, pairOperations, sortByTime } from './history.js';
export type { OpPair, PairedOperations } from './history.js';
export { faultWindows } from './fault-windows.js';
export type { FaultWindow } from './fault-windows.js';
