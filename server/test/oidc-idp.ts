import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from "jose";
import Provider from "oidc-provider";

/** What the test identity provider knows about a person (their login is the account id). */
export interface TestAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
  tid?: string;
}

/** How the test provider should corrupt its next ID tokens (to check the relying party refuses them). */
export type Tamper = null | "audience" | "issuer" | "signature" | "nonce" | "expired";

/**
 * A real OpenID provider (the oidc-provider package) on loopback with its development login and
 * consent pages, one confidential client with PKCE required, and a switch to tamper with ID tokens.
 */
export async function startTestIdp(redirectUri: string, accounts: Record<string, TestAccount>) {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const other = await generateKeyPair("RS256", { extractable: true });
  const clientId = "portico";
  const clientSecret = "portico-client-secret";
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    async findAccount(_ctx: any, id: string) {
      const a = accounts[id];
      if (!a) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...a }) };
    },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups", "tid"] },
    pkce: { required: () => true },
    jwks: { keys: [jwk] },
    cookies: { keys: ["test-cookie-key"] },
    features: { devInteractions: { enabled: true } },
  } as never);
  const state = { tamper: null as Tamper };
  // Rewrites the ID token of token responses when asked, re-signed with the provider's own key
  // (or another key for "signature"), so only the checked property is wrong.
  provider.use(async (ctx, next) => {
    await next();
    if (!state.tamper || ctx.path !== "/token" || ctx.status !== 200) return;
    const body = ctx.body as { id_token?: string };
    if (!body?.id_token) return;
    const claims = decodeJwt(body.id_token);
    const now = Math.floor(Date.now() / 1000);
    const changed = {
      ...claims,
      ...(state.tamper === "audience" ? { aud: "someone-else" } : {}),
      ...(state.tamper === "issuer" ? { iss: "http://evil.example.test" } : {}),
      ...(state.tamper === "nonce" ? { nonce: "not-the-nonce" } : {}),
      ...(state.tamper === "expired" ? { iat: now - 7200, exp: now - 3600 } : {}),
    };
    const key = state.tamper === "signature" ? other.privateKey : privateKey;
    body.id_token = await new SignJWT(changed).setProtectedHeader({ alg: "RS256", kid: "test-key" }).sign(key);
    ctx.body = body;
  });
  server.on("request", provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A tiny browser: a cookie jar per host and manual redirects, so each hop can be inspected. */
export function testBrowser() {
  const jar = new Map<string, Map<string, string>>();
  const cookieHeader = (url: URL) => [...(jar.get(url.host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join("; ");
  function store(url: URL, res: Response) {
    const m = jar.get(url.host) ?? new Map<string, string>();
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || attrs.some((a) => /^\s*max-age=0\b/i.test(a));
      if (expired || value === "") m.delete(name);
      else m.set(name, value);
    }
    jar.set(url.host, m);
  }
  async function request(method: string, href: string, form?: Record<string, string>) {
    const url = new URL(href);
    const res = await fetch(url, {
      method,
      redirect: "manual",
      headers: { cookie: cookieHeader(url), ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    store(url, res);
    return res;
  }
  /** Follows redirects until a page that is not a redirect, or until `stop` says so; returns every hop. */
  async function follow(href: string, stop: (u: URL) => boolean = () => false, method = "GET", form?: Record<string, string>) {
    const hops: string[] = [];
    let res = await request(method, href, form);
    let current = href;
    while (res.status >= 300 && res.status < 400) {
      current = new URL(res.headers.get("location") as string, current).href;
      hops.push(current);
      if (stop(new URL(current))) return { res, url: current, hops };
      res = await request("GET", current);
    }
    return { res, url: current, hops };
  }
  return { request, follow, cookies: (host: string) => jar.get(host) ?? new Map<string, string>() };
}

/** The form action of an oidc-provider development interaction page. */
export function formAction(html: string, base: string): string {
  const m = /<form[^>]*action="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no form in page: ${html.slice(0, 300)}`);
  return new URL(m[1].replace(/&amp;/g, "&"), base).href;
}
