import { HistoryFormatError } from './history-format-error.js';
import { REGISTER_KINDS, type FaultEvent, type HistoryEvent, type Op, type OpName, type OpType, type WriteResult } from './types.js';

const OP_TYPES: ReadonlySet<string> = new Set<OpType>(['invoke', 'ok', 'fail', 'info']);
const OP_NAMES: ReadonlySet<string> = new Set<OpName>(['acquire', 'release', 'write']);
// A fencing token is the decimal string of a non-negative bigint; the unfenced control sends "".
const FENCE_PATTERN = /^(0|[1-9][0-9]*)$/;

type Fields = Record<string, unknown>;

/**
 * Checks that a parsed JSON value is a HistoryEvent and returns it typed. Throws a
 * HistoryFormatError that names the offending field. Unknown extra fields are kept:
 * the format may grow optional fields without breaking old readers.
 */
export function validateHistoryEvent(value: unknown): HistoryEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HistoryFormatError('an event must be a JSON object');
  }
  const fields = value as Fields;
  if (fields['kind'] === 'op') return validateOp(fields);
  if (fields['kind'] === 'fault') return validateFault(fields);
  throw new HistoryFormatError(`kind must be "op" or "fault", got ${show(fields['kind'])}`);
}

function validateOp(fields: Fields): Op {
  requireOneOf(fields, 'type', OP_TYPES);
  requireOneOf(fields, 'f', OP_NAMES);
  requireInteger(fields, 'worker');
  requireInteger(fields, 'group');
  requireString(fields, 'resource', { nonEmpty: true });
  requireString(fields, 'lockId', { nonEmpty: true });
  requireFinite(fields, 'timeMs');
  if (fields['fence'] !== undefined) requireFence(fields, 'fence', { allowEmpty: false });
  if (fields['validUntilMs'] !== undefined) requireFinite(fields, 'validUntilMs');
  if (fields['error'] !== undefined) requireString(fields, 'error', { nonEmpty: false });
  if (fields['ttlMs'] !== undefined) requireFinite(fields, 'ttlMs');
  if (fields['unreachable'] !== undefined) {
    const list = fields['unreachable'];
    if (!Array.isArray(list) || list.some((node) => !Number.isSafeInteger(node) || (node as number) < 0)) {
      throw new HistoryFormatError(`unreachable must be an array of node indexes, got ${show(list)}`);
    }
  }
  if (fields['write'] !== undefined) validateWrite(fields['write']);
  if (fields['controlWrites'] !== undefined) {
    const list = fields['controlWrites'];
    if (!Array.isArray(list)) throw new HistoryFormatError(`controlWrites must be an array, got ${show(list)}`);
    for (const item of list) validateWrite(item);
  }
  return fields as unknown as Op;
}

function validateWrite(value: unknown): WriteResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HistoryFormatError('write must be an object');
  }
  const fields = value as Fields;
  if (typeof fields['accepted'] !== 'boolean') {
    throw new HistoryFormatError(`write.accepted must be a boolean, got ${show(fields['accepted'])}`);
  }
  requireInteger(fields, 'seq', 'write.');
  requireFence(fields, 'fence', { allowEmpty: true }, 'write.');
  requireFinite(fields, 'read', 'write.');
  requireFinite(fields, 'wrote', 'write.');
  if (fields['register'] !== undefined) requireOneOf(fields, 'register', new Set(REGISTER_KINDS), 'write.');
  return fields as unknown as WriteResult;
}

function validateFault(fields: Fields): FaultEvent {
  if (fields['type'] !== 'start' && fields['type'] !== 'stop') {
    throw new HistoryFormatError(`type of a fault must be "start" or "stop", got ${show(fields['type'])}`);
  }
  requireString(fields, 'name', { nonEmpty: true });
  requireString(fields, 'detail', { nonEmpty: false });
  requireFinite(fields, 'timeMs');
  const measured = fields['measured'];
  if (measured !== undefined) {
    if (typeof measured !== 'object' || measured === null || Array.isArray(measured)) {
      throw new HistoryFormatError(`measured must be an object of numbers, got ${show(measured)}`);
    }
    for (const key of Object.keys(measured)) requireFinite(measured as Fields, key, 'measured.');
  }
  return fields as unknown as FaultEvent;
}

function requireOneOf(fields: Fields, key: string, allowed: ReadonlySet<string>, prefix = ''): void {
  const value = fields[key];
  if (typeof value !== 'string' || !allowed.has(value)) {
    throw new HistoryFormatError(`${prefix}${key} must be one of ${[...allowed].join(', ')}; got ${show(value)}`);
  }
}

function requireInteger(fields: Fields, key: string, prefix = ''): void {
  const value = fields[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new HistoryFormatError(`${prefix}${key} must be an integer >= 0, got ${show(value)}`);
  }
}

function requireFinite(fields: Fields, key: string, prefix = ''): void {
  const value = fields[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new HistoryFormatError(`${prefix}${key} must be a finite number, got ${show(value)}`);
  }
}

function requireString(fields: Fields, key: string, rule: { nonEmpty: boolean }): void {
  const value = fields[key];
  if (typeof value !== 'string' || (rule.nonEmpty && value === '')) {
    const what = rule.nonEmpty ? 'a non-empty string' : 'a string';
    throw new HistoryFormatError(`${key} must be ${what}, got ${show(value)}`);
  }
}

function requireFence(fields: Fields, key: string, rule: { allowEmpty: boolean }, prefix = ''): void {
  const value = fields[key];
  const ok = typeof value === 'string' && ((rule.allowEmpty && value === '') || FENCE_PATTERN.test(value));
  if (!ok) {
    const empty = rule.allowEmpty ? ' or ""' : '';
    throw new HistoryFormatError(`${prefix}${key} must be a decimal integer string${empty}, got ${show(value)}`);
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
