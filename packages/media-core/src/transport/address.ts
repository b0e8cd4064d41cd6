// Source addresses as text, the same on both transports (the per-address limit keys on it).

/** IPv4-mapped IPv6 prefix, as dual-stack sockets report IPv4 peers. */
const MAPPED_V4 = /^(?:0{1,4}:){5}ffff:|^::ffff:/i;

/** `::ffff:127.0.0.1` → `127.0.0.1`; IPv6 stays lowercased as given. */
export function normalizeAddress(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';

  return address.replace(MAPPED_V4, '').toLowerCase();
}
