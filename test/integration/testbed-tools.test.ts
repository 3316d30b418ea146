import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareVersions, findTool, findToolIn, MissingToolError, toolDirs, ToolVersionError, toolVersion, REPO_ROOT } from '../../sim/testbed/tools.js';

// Fake tools: shell scripts that print a version line the way the real ones do.
const root = mkdtempSync(join(tmpdir(), 'redquorum-tools-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeTool(dir: string, name: string, versionLine: string): string {
  mkdirSync(join(root, dir), { recursive: true });
  const path = join(root, dir, name);
  writeFileSync(path, `#!/bin/sh\necho '${versionLine}'\n`);
  chmodSync(path, 0o755);
  return join(root, dir);
}

describe('findToolIn', () => {
  const recent = fakeTool('recent', 'redis-server', 'Redis server v=7.2.4 sha=00000000:0 malloc=libc bits=64');
  const old = fakeTool('old', 'redis-server', 'Redis server v=6.2.14 sha=00000000:0 malloc=libc bits=64');
  const proxy = fakeTool('proxy', 'toxiproxy-server', 'toxiproxy-server version 2.12.0');
  const oldProxy = fakeTool('old-proxy', 'toxiproxy-server', 'toxiproxy-server version 2.5.0');
  const unversioned = fakeTool('unversioned', 'toxiproxy-server', 'toxiproxy-server version git');

  it('takes the first directory that has the tool', () => {
    expect(findToolIn('redis-server', [join(root, 'none'), recent, old])).toBe(join(recent, 'redis-server'));
  });

  it('refuses a first match that is too old, rather than skipping to a later one', () => {
    expect(() => findToolIn('redis-server', [old, recent])).toThrow(ToolVersionError);
    expect(() => findToolIn('redis-server', [old, recent])).toThrow(/redis-server is redis-server 6\.2\.14, but 7\.0\.0 or later is needed/);
    expect(() => findToolIn('toxiproxy-server', [oldProxy, proxy])).toThrow(/toxiproxy-server 2\.5\.0, but 2\.12\.0 or later is needed; remove it and run "npm run setup"/);
    expect(findToolIn('toxiproxy-server', [proxy, oldProxy])).toBe(join(proxy, 'toxiproxy-server'));
  });

  it('refuses a tool whose version cannot be read', () => {
    expect(() => findToolIn('toxiproxy-server', [unversioned])).toThrow(/toxiproxy-server of an unknown version, but 2\.12\.0 or later/);
  });

  it('names the setup command when the tool is missing', () => {
    expect(() => findToolIn('redis-server', [join(root, 'none')])).toThrow(MissingToolError);
    expect(() => findToolIn('redis-server', [join(root, 'none')])).toThrow('redis-server was not found in .tools/ or on PATH; run "npm run setup" first');
  });
});

describe('the tools this machine runs', () => {
  it('looks in .tools/ first, then PATH, as setup.sh does', () => {
    expect(toolDirs()[0]).toBe(join(REPO_ROOT, '.tools'));
  });

  it('finds redis-server 7+ and toxiproxy-server 2.12+, whether the build prints its version or only records it', () => {
    expect(compareVersions(toolVersion('redis-server', findTool('redis-server'))!, [7, 0, 0])).toBeGreaterThanOrEqual(0);
    expect(compareVersions(toolVersion('toxiproxy-server', findTool('toxiproxy-server'))!, [2, 12, 0])).toBeGreaterThanOrEqual(0);
  });
});

describe('compareVersions', () => {
  it('orders by major, minor, then patch', () => {
    expect(compareVersions([7, 0, 0], [7, 0, 0])).toBe(0);
    expect(compareVersions([6, 99, 99], [7, 0, 0])).toBeLessThan(0);
    expect(compareVersions([2, 12, 1], [2, 12, 0])).toBeGreaterThan(0);
    expect(compareVersions([2, 9, 0], [2, 12, 0])).toBeLessThan(0);
  });
});
