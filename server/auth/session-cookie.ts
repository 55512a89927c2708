/** Under TLS the cookie takes the `__Host-` prefix: Secure, this host only, path /, so no other site or subdomain can set it. */
export function sessionCookieName(tls: boolean): string {
  return tls ? "__Host-whet_session" : "whet_session";
}

export function sessionCookie(id: string, options: { tls: boolean; maxAgeSeconds: number }): string {
  return [`${sessionCookieName(options.tls)}=${id}`, "Path=/", "HttpOnly", "SameSite=Strict", `Max-Age=${options.maxAgeSeconds}`, ...(options.tls ? ["Secure"] : [])].join("; ");
}

export function clearedSessionCookie(tls: boolean): string {
  return sessionCookie("", { tls, maxAgeSeconds: 0 });
}

export function readCookie(header: string | null, name: string): string | null {
  if (!header || header.length > 16_384) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
