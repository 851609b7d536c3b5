import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import ipaddr from "ipaddr.js";

/**
 * The outbound HTTP client for anything a tenant can point Portico at (webhooks, rule actions).
 * It resolves the name itself, refuses any address that is not public unicast (loopback, private,
 * link-local, unique-local, CGNAT, multicast, IPv4-mapped/embedded IPv6…), then connects to exactly
 * that checked address (Host header and TLS name stay the URL's host), so a DNS answer that changes
 * between check and connect (rebinding) cannot reach another address. Redirects are followed by hand,
 * each hop checked again. Timeouts on the whole exchange, and the response body is capped.
 */

export class BlockedDestinationError extends Error {
  constructor(
    message: string,
    readonly host: string,
    readonly address?: string,
  ) {
    super(message);
    this.name = "BlockedDestinationError";
  }
}

export interface SafeRequest {
  url: string;
  method?: "POST" | "GET" | "PUT";
  headers?: Record<string, string>;
  body?: string;
  /** Whole exchange, redirects included. */
  timeoutMs?: number;
  /** Bytes of the response body kept; the rest is not read. */
  maxResponseBytes?: number;
  maxRedirects?: number;
  /** Hosts an administrator allowed explicitly: their private addresses are accepted. */
  isHostAllowed?: (host: string) => boolean;
}

export interface SafeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  truncated: boolean;
  /** The URL that answered (after redirects). */
  url: string;
  address: string;
  redirects: number;
}

/** The reason an address is refused, or null when it is public unicast. */
export function blockedReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return "not an IP address";
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6") {
    const v6 = parsed as ipaddr.IPv6;
    // ::ffff:a.b.c.d reaches the IPv4 address: judge that one.
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
  }
  const range = parsed.range();
  return range === "unicast" ? null : range;
}

/** Lower-case host of a URL without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
}

/** Checks that a URL is one Portico may call: http(s), no credentials, a host. Throws a readable Error. */
export function checkUrlShape(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error("is not a valid URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("must use http or https");
  if (url.username || url.password) throw new Error("must not contain a user name or password");
  if (!url.hostname) throw new Error("has no host");
  return url;
}

/**
 * Resolves a host and returns the address to connect to, refusing the host when any of its addresses
 * is not public (a mixed answer could be rotated into the private one), unless the host is allowed.
 */
export async function resolveSafe(host: string, isHostAllowed?: (host: string) => boolean): Promise<{ address: string; family: 4 | 6 }> {
  const allowed = isHostAllowed?.(host) ?? false;
  let answers: Array<{ address: string; family: number }>;
  if (ipaddr.isValid(host)) answers = [{ address: host, family: ipaddr.parse(host).kind() === "ipv6" ? 6 : 4 }];
  else {
    try {
      answers = await lookup(host, { all: true, verbatim: true });
    } catch (e) {
      throw new Error(`cannot resolve ${host}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  if (!answers.length) throw new Error(`cannot resolve ${host}`);
  if (!allowed) {
    for (const a of answers) {
      const reason = blockedReason(a.address);
      if (reason)
        throw new BlockedDestinationError(
          `${host} resolves to ${a.address} (${reason}); webhooks may only reach public addresses unless an administrator allows the host`,
          host,
          a.address,
        );
    }
  }
  return { address: answers[0].address, family: answers[0].family === 6 ? 6 : 4 };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Sends one request through the checks above; network failures and refusals throw, HTTP statuses return. */
export async function safeRequest(req: SafeRequest): Promise<SafeResponse> {
  const deadline = Date.now() + (req.timeoutMs ?? 10_000);
  const maxRedirects = req.maxRedirects ?? 3;
  let url = checkUrlShape(req.url);
  let method = req.method ?? "POST";
  let body = req.body;
  for (let hop = 0; ; hop++) {
    const host = hostOf(url);
    const target = await resolveSafe(host, req.isHostAllowed);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error("timed out");
    const res = await exchange(url, target.address, method, req.headers ?? {}, body, remaining, req.maxResponseBytes ?? 64 * 1024);
    if (REDIRECTS.has(res.status) && res.headers.location) {
      if (hop >= maxRedirects) throw new Error(`too many redirects (more than ${maxRedirects})`);
      let next: URL;
      try {
        next = checkUrlShape(new URL(res.headers.location, url).toString());
      } catch (e) {
        throw new Error(`redirect to ${res.headers.location} refused: ${(e as Error).message}`);
      }
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
      }
      url = next;
      continue;
    }
    return { ...res, url: url.toString(), address: target.address, redirects: hop };
  }
}

function exchange(
  url: URL,
  address: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  timeoutMs: number,
  maxBytes: number,
): Promise<Omit<SafeResponse, "url" | "address" | "redirects">> {
  return new Promise((resolve, reject) => {
    const isHttps = url.protocol === "https:";
    const h: Record<string, string | number> = { ...headers, host: url.host };
    if (body !== undefined) h["content-length"] = Buffer.byteLength(body);
    const opts: https.RequestOptions = {
      // Connect to the checked address; the URL's host name stays in Host and in the TLS check (SNI).
      host: address,
      port: url.port || (isHttps ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method,
      headers: h,
      agent: false,
      ...(isHttps && !ipaddr.isValid(hostOf(url)) ? { servername: hostOf(url) } : {}),
    };
    const request = (isHttps ? https : http).request(opts, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on("data", (c: Buffer) => {
        if (truncated) return;
        if (size + c.length > maxBytes) {
          chunks.push(c.subarray(0, maxBytes - size));
          size = maxBytes;
          truncated = true;
          // Enough read: stop downloading the rest.
          finish();
          res.destroy();
          return;
        }
        chunks.push(c);
        size += c.length;
      });
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), truncated });
      };
      res.on("end", finish);
      res.on("error", (e) => {
        if (!done) {
          clearTimeout(timer);
          reject(e);
        }
      });
    });
    const timer = setTimeout(() => request.destroy(new Error("timed out")), timeoutMs);
    request.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    if (body !== undefined) request.write(body);
    request.end();
  });
}
