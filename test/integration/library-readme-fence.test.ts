import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Redlock } from '../../src/index.js';
import { resetAfterEach, withServers } from './helpers/servers.js';

/** The resource-side script exactly as the README shows it. */
function readmeScript(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const match = /<!-- fenced-resource-script -->\s*```lua\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no fenced-resource-script block');
  return match[1];
}

// Issue: the README's script refused a holder's second write with its own token
// (`token <= last`), so a fenced resource allowed one write per lock.
describe("the README's fenced resource script", () => {
  const fx = withServers(1);
  resetAfterEach(fx);
  const script = readmeScript();

  async function access(token: bigint, lockValue: string, op: 'read' | 'write', data = ''): Promise<[number, string?]> {
    // The storage's keys, on a Redis of its own in production (here the lock node).
    return (await fx.admin(0).eval(script, 2, 'store:invoice:7', 'store:invoice:7:fence', token.toString(), lockValue, op, data)) as [number, string?];
  }

  it('lets a holder read and write many times, and refuses older holders and other locks with the same token', async () => {
    const redlock = new Redlock(fx.clients, { fencing: true, retryCount: 0 });
    const first = await redlock.acquire(['invoice:7'], 5_000);
    expect((await access(first.fence!, first.value, 'write', 'v1'))[0]).toBe(1);
    expect((await access(first.fence!, first.value, 'write', 'v2'))[0]).toBe(1);
    expect(await access(first.fence!, first.value, 'read')).toEqual([1, 'v2']);
    // Another lock presenting the same token (possible only when Redlock's assumptions break).
    expect((await access(first.fence!, 'another-lock', 'write', 'x'))[0]).toBe(0);
    await first.release();

    const second = await redlock.acquire(['invoice:7'], 5_000);
    expect(second.fence).toBeGreaterThan(first.fence!);
    // The newer holder's read fences the older one out before it writes anything.
    expect(await access(second.fence!, second.value, 'read')).toEqual([1, 'v2']);
    expect((await access(first.fence!, first.value, 'write', 'stale'))[0]).toBe(0);
    expect((await access(second.fence!, second.value, 'write', 'v3'))[0]).toBe(1);
    expect(await fx.admin(0).get('store:invoice:7')).toBe('v3');
    await second.release();
  });
});
