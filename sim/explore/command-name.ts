/** Most distinct spellings of command names kept upper-cased at once. */
const NAMES_MAX = 256;

const upper = new Map<string, string>();

/**
 * A command's name upper-cased (Redis matches names case-insensitively). A node sees
 * the same few names thousands of times per run, each passing through the script
 * bridge, the node and the keyspace: they are upper-cased once and looked up after,
 * instead of one new string per hop. Bounded: past NAMES_MAX spellings the cache starts over.
 */
export function commandName(raw: string | undefined): string {
  if (raw === undefined) return '';
  let name = upper.get(raw);
  if (name === undefined) {
    name = raw.toUpperCase();
    if (upper.size >= NAMES_MAX) upper.clear();
    upper.set(raw, name);
  }
  return name;
}
