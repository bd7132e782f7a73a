import dns from 'node:dns';
import net from 'node:net';

/**
 * Tests never reach the internet: any DNS lookup of a name other than localhost, and any TCP
 * connection to a non-loopback address, fails at once with a clear error.
 */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', 'ip6-localhost']);

function refuse(host: string): Error {
  return Object.assign(new Error(`network access to "${host}" is blocked in tests (loopback only)`), { code: 'ENOTFOUND' });
}

const originalLookup = dns.lookup.bind(dns);
(dns as { lookup: unknown }).lookup = ((hostname: string, ...rest: unknown[]) => {
  const callback = rest[rest.length - 1] as (err: Error | null) => void;
  if (!LOOPBACK.has(hostname) && net.isIP(hostname) === 0) {
    process.nextTick(() => callback(refuse(hostname)));
    return {};
  }
  return (originalLookup as (...a: unknown[]) => unknown)(hostname, ...rest);
}) as typeof dns.lookup;

const originalPromisesLookup = dns.promises.lookup.bind(dns.promises);
(dns.promises as { lookup: unknown }).lookup = (async (hostname: string, ...rest: unknown[]) => {
  if (!LOOPBACK.has(hostname) && net.isIP(hostname) === 0) throw refuse(hostname);
  return (originalPromisesLookup as (...a: unknown[]) => unknown)(hostname, ...rest);
}) as typeof dns.promises.lookup;

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string } | number | string | undefined;
  const host = typeof first === 'object' && first !== null ? first.host : typeof args[1] === 'string' ? (args[1] as string) : undefined;
  const isPipe = typeof first === 'object' && first !== null && first.path !== undefined;
  if (!isPipe && host !== undefined && net.isIP(host) !== 0 && !host.startsWith('127.') && host !== '::1') {
    this.destroy(refuse(host));
    return this;
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
