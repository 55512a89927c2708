import { networkInterfaces } from "node:os";

const WILDCARD = new Set(["0.0.0.0", "::", "[::]"]);

export function isWildcard(host: string): boolean {
  return WILDCARD.has(host);
}

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

/** Every address of this machine's interfaces (what a wildcard bind listens on). */
export function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((i) => (i ? [i.address] : []));
}

/**
 * The `Host` values a teammate's browser may send in team mode: the LAN name
 * and the bound addresses (every interface's for a wildcard bind), with the
 * port, and bare when the port is the scheme's default. Loopback names are
 * allowed by the request guard anyway.
 */
export function allowedHosts(options: { host: string; port: number; name: string | null; tls: boolean }, addresses: () => string[] = interfaceAddresses): string[] {
  const names = [...(options.name ? [options.name] : []), ...(isWildcard(options.host) ? addresses() : [options.host])];
  const defaultPort = options.tls ? 443 : 80;
  const hosts = names.flatMap((name) => {
    const host = name.includes(":") && !name.startsWith("[") ? `[${name}]` : name;
    return options.port === defaultPort ? [`${host}:${options.port}`, host] : [`${host}:${options.port}`];
  });
  return [...new Set(hosts.map((h) => h.toLowerCase()))];
}
