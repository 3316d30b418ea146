import { describeCauseChain } from '../cause-chain.js';

// A history line stays readable and bounded: five nodes' refusals fit, a runaway message does not.
const ERROR_TEXT_MAX = 600;

/**
 * How a failed operation is labelled in the history. node-redlock v5's messages are short
 * ("unable to achieve a quorum"), so the library's own fields say what happened: the head
 * is `Name(reason)` (the evidence rules read `(validity)` from it), then the error's
 * `summary` (operation, attempts, every node's refusal) when it has one, else its message
 * and cause chain. Pure.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, ERROR_TEXT_MAX);
  const reason = (error as { reason?: unknown }).reason;
  const head = typeof reason === 'string' ? `${error.name}(${reason})` : error.name;
  const summary = (error as { summary?: unknown }).summary;
  const body = typeof summary === 'string' && summary !== '' ? summary : describeCauseChain(error).replace(/^[A-Za-z]*Error: /, '');
  return `${head}: ${body}`.slice(0, ERROR_TEXT_MAX);
}
