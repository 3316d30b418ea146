import { createHash } from 'node:crypto';
import type { Script } from './scripts.js';

/**
 * A script that is one plain Redis command: its Lua is that command inside
 * `redis.call`, so it replies alike either way. An adapter that knows this shape (the
 * ioredis one) sends the command itself, which saves the server the script call and
 * the client the script's hash on the wire; any other adapter runs the Lua.
 */
export interface PlainCommandScript extends Script {
  /** The command's name, e.g. `set`. */
  readonly command: string;
  /** The command's arguments, from the script's KEYS and ARGV. */
  readonly commandArgs: (keys: readonly string[], args: readonly string[]) => string[];
}

export function plainCommandScript(name: string, lua: string, command: string, commandArgs: PlainCommandScript['commandArgs']): PlainCommandScript {
  return Object.freeze({ name, lua, sha: createHash('sha1').update(lua).digest('hex'), command, commandArgs });
}

export function isPlainCommand(script: Script): script is PlainCommandScript {
  return typeof (script as Partial<PlainCommandScript>).command === 'string';
}
