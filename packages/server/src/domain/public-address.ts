/**
 * Which hosts the server may fetch from on a client's behalf (git import). A URL a client sends must
 * not make the server reach its own loopback, the cloud metadata address or the private network behind
 * it (SSRF), so the host is resolved here, every address must be public, and the caller pins the
 * connection to exactly those addresses so a second DNS answer cannot swap them.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AgentryError } from '@agentry/core';

const reserved = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  reserved.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  reserved.addSubnet(net, prefix, 'ipv6');

/** An IPv4 address carried inside IPv6 (mapped ::ffff:a.b.c.d, or NAT64 64:ff9b::a.b.c.d), if any. */
function embeddedIpv4(address: string): string | undefined {
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (dotted) return dotted;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const high = Number.parseInt(hex[1] as string, 16);
  const low = Number.parseInt(hex[2] as string, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True for a globally routable unicast address; false for loopback, private, link-local, reserved. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !reserved.check(address, 'ipv4');
  if (family !== 6) return false;
  const v4 = embeddedIpv4(address);
  if (v4) return isPublicAddress(v4);
  return !reserved.check(address, 'ipv6');
}

/**
 * The addresses `host` resolves to, all of them public unless `allowPrivate`; a BAD_REQUEST-class
 * validation error on `field` otherwise, or when the name does not resolve.
 */
export async function resolvePublicHost(
  host: string,
  field: string,
  allowPrivate: boolean,
): Promise<string[]> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(bare)) addresses = [bare];
  else {
    try {
      addresses = (await lookup(bare, { all: true, verbatim: true })).map((entry) => entry.address);
    } catch {
      throw new AgentryError('validation_error', {
        message: `The host ${host} does not resolve.`,
        issues: [{ path: [field], message: 'The host does not resolve.' }],
      });
    }
  }
  if (!allowPrivate && (addresses.length === 0 || !addresses.every(isPublicAddress))) {
    throw new AgentryError('address_not_public', {
      details: { field, host },
      message: `The host ${host} is not a public address; the server does not fetch from its own network.`,
      issues: [{ path: [field], message: 'The host resolves to a private, loopback or reserved address.' }],
    });
  }
  return addresses;
}
