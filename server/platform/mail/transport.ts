import nodemailer, { type Transporter } from "nodemailer";

export interface OutgoingMail {
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers?: Record<string, string>;
  /** Files sent along (e.g. a scheduled report's CSV). */
  attachments?: Array<{ filename: string; content: string | Buffer; contentType: string }>;
}

/** What the mail transport needs to know; no ITSM knowledge here. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<{ response: string }>;
  close(): void;
}

const cache = new Map<string, Transporter>();

/** A pooled SMTP transport for a URL such as smtp://user:pass@host:587 (smtps:// for TLS on connect). */
export function smtpTransport(url: string): MailTransport {
  let t = cache.get(url);
  if (!t) {
    const u = new URL(url);
    // Loopback test and intake servers speak plain SMTP; anything else negotiates STARTTLS when offered.
    const local = u.hostname === "127.0.0.1" || u.hostname === "localhost" || u.hostname === "::1";
    t = nodemailer.createTransport({
      url,
      pool: true,
      maxConnections: 4,
      ignoreTLS: local && u.protocol === "smtp:",
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as never);
    cache.set(url, t);
  }
  const transporter = t;
  return {
    async send(mail) {
      const info = await transporter.sendMail({
        from: mail.from,
        to: mail.to,
        replyTo: mail.replyTo,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: mail.headers,
        attachments: mail.attachments,
      });
      return { response: String(info.response ?? "") };
    },
    close() {
      transporter.close();
      cache.delete(url);
    },
  };
}

/** Closes every pooled SMTP connection (shutdown, tests). */
export function closeTransports(): void {
  for (const t of cache.values()) t.close();
  cache.clear();
}

/** The domain part of an address ("Acme IT <it@acme.test>" → acme.test), for Message-IDs. */
export function addressDomain(address: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(address.trim());
  return m ? m[1].toLowerCase() : "localhost";
}

/** The bare address of "Name <a@b>" or "a@b". */
export function bareAddress(address: string): string {
  const m = /<([^>]+)>/.exec(address);
  return (m ? m[1] : address).trim().toLowerCase();
}
