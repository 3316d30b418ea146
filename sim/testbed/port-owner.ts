/**
 * Who listens on a loopback TCP port, read from Linux's /proc: the kernel lists every
 * listening socket with its inode in /proc/net/tcp and tcp6, and a process holds that
 * socket when one of /proc/<pid>/fd links to `socket:[inode]`. This proves a started
 * server is the process we spawned (and not another one that answers on the port), and
 * names the holder when a port is taken. Works the same for redis-server and
 * toxiproxy-server, and needs nothing but the files.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** TCP state LISTEN, as /proc/net/tcp writes it (hex). */
const TCP_LISTEN = '0A';
/** At most this many characters of a holder's command line go into a message. */
const COMMAND_CHARS_MAX = 200;
/**
 * Reads of /proc before a listening socket is believed absent ("does not hold it", "no
 * process listens", no holder named). The kernel writes /proc/net/tcp in chunks while
 * sockets come and go, so one read can miss a socket that is there all along; a socket
 * really absent is missing from every read.
 */
const OWNERSHIP_READS_MAX = 3;

/** One process holding a listening socket on the port. */
export interface PortHolder {
  readonly pid: number;
  /** Its command line, arguments joined by spaces; '' when not readable. */
  readonly command: string;
}

/**
 * Inodes of the sockets listening on `port` (any local address, IPv4 and IPv6), or
 * undefined when this system has no /proc/net/tcp (not Linux): ownership is then unknown.
 */
export function listeningInodes(port: number): Set<string> | undefined {
  let found = false;
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      // tcp6 is absent when IPv6 is off; tcp absent means no /proc at all.
      continue;
    }
    found = true;
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const state = fields[3];
      const inode = fields[9];
      if (local === undefined || state !== TCP_LISTEN || inode === undefined || inode === '0') continue;
      const portHex = local.slice(local.lastIndexOf(':') + 1);
      if (Number.parseInt(portHex, 16) === port) inodes.add(inode);
    }
  }
  return found ? inodes : undefined;
}

/** The socket inodes among `pid`'s open files; empty when the process is gone or not ours to read. */
function socketInodesOf(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1] !== undefined) inodes.add(match[1]);
    } catch {
      // The descriptor closed between listing and reading it.
    }
  }
  return inodes;
}

/**
 * Whether process `pid` holds a socket listening on `port`: true or false on Linux,
 * undefined where /proc cannot tell.
 */
export function ownsListeningPort(pid: number, port: number): boolean | undefined {
  let owns = false;
  const listening = listeningInodesOverReads(port, (inodes) => {
    const own = socketInodesOf(pid);
    owns = [...inodes].some((inode) => own.has(inode));
    return owns;
  });
  return listening === undefined ? undefined : owns;
}

/**
 * The sockets listening on `port` seen in any of up to OWNERSHIP_READS_MAX reads of /proc
 * (see there why one read is not enough), or undefined where /proc cannot tell. `enough`
 * is asked after each read, with every inode seen so far, and ends the reads when true.
 */
function listeningInodesOverReads(port: number, enough: (inodes: ReadonlySet<string>) => boolean = () => false): Set<string> | undefined {
  const seen = new Set<string>();
  for (let read = 0; read < OWNERSHIP_READS_MAX; read += 1) {
    const listening = listeningInodes(port);
    if (listening === undefined) return undefined;
    for (const inode of listening) seen.add(inode);
    if (enough(seen)) break;
  }
  return seen;
}

/** Every process this user can inspect that holds a socket listening on `port`. */
export function portHolders(port: number): PortHolder[] {
  return holdersOf(listeningInodesOverReads(port));
}

/** Every process this user can inspect that holds one of the `listening` sockets. */
function holdersOf(listening: ReadonlySet<string> | undefined): PortHolder[] {
  if (listening === undefined || listening.size === 0) return [];
  const holders: PortHolder[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const own = socketInodesOf(pid);
    if (![...listening].some((inode) => own.has(inode))) continue;
    holders.push({ pid, command: commandOf(pid) });
  }
  return holders;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, COMMAND_CHARS_MAX);
  } catch {
    return '';
  }
}

/**
 * One plain phrase naming who listens on `port` now, for error messages:
 * "held by pid 4242 (redis-server 127.0.0.1:23456)", "no process listens on it now", ...
 */
export function describePortHolder(port: number): string {
  const listening = listeningInodesOverReads(port);
  if (listening === undefined) return 'this system has no /proc to tell who holds it';
  if (listening.size === 0) return 'no process listens on it now';
  const holders = holdersOf(listening);
  if (holders.length === 0) return 'held by a process this user cannot inspect';
  return `held by ${holders.map((holder) => `pid ${holder.pid} (${holder.command || 'command unknown'})`).join(', ')}`;
}
