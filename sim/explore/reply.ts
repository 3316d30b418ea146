/**
 * A Redis reply as the simulated node produces it (RESP2): an integer is a JS number, a
 * bulk string a string, a nil bulk null, a multi-bulk an array. Status and error replies
 * are marked objects, so that a script returning the string "OK" and the status OK stay
 * different, as they are on the wire.
 */
export type RedisReply = number | string | null | StatusReply | ErrorReply | readonly RedisReply[];

export interface StatusReply {
  readonly status: string;
}

export interface ErrorReply {
  /** The whole error line, e.g. "NOSCRIPT No matching script. Please use EVAL." */
  readonly error: string;
}

export const OK: StatusReply = Object.freeze({ status: 'OK' });

export function errorReply(error: string): ErrorReply {
  return { error };
}

export function isStatus(reply: RedisReply): reply is StatusReply {
  return typeof reply === 'object' && reply !== null && !Array.isArray(reply) && 'status' in reply;
}

export function isError(reply: RedisReply): reply is ErrorReply {
  return typeof reply === 'object' && reply !== null && !Array.isArray(reply) && 'error' in reply;
}
