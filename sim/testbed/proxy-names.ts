/** The Toxiproxy proxy of client group `group` to node `node` (both 0-based): "g0-n3". */
export function proxyName(group: number, node: number): string {
  return `g${group}-n${node}`;
}
