import type { ParsedMail } from "mailparser";
import sanitizeHtml from "sanitize-html";

/** Work-item numbers as they appear in subjects: [INC0000123], [REQ0000042], … */
const NUMBER_IN_SUBJECT = /\[((?:INC|REQ|TASK|PRB|CHG|CTASK)\d{7,})\]/i;

/** The number a reply carries in its subject, if any. */
export function subjectNumber(subject: string | undefined): string | null {
  const m = NUMBER_IN_SUBJECT.exec(subject ?? "");
  return m ? m[1].toUpperCase() : null;
}

/** A subject fit for a ticket title: no Re:/Fwd: chains, no number tag, one line, at most 300 characters. */
export function ticketTitle(subject: string | undefined): string {
  let s = (subject ?? "").replace(/[\r\n\t]+/g, " ");
  for (let i = 0; i < 5; i++) s = s.replace(/^\s*(re|fw|fwd|aw|wg|sv|tr)\s*(\[\d+\])?\s*:\s*/i, "");
  s = s
    .replace(NUMBER_IN_SUBJECT, "")
    .replace(/\s{2,}/g, " ")
    .trim();
  return (s || "(no subject)").slice(0, 300);
}

/** Message-IDs this message answers (In-Reply-To first, then References newest first). */
export function threadReferences(parsed: Pick<ParsedMail, "inReplyTo" | "references">): string[] {
  const refs = typeof parsed.references === "string" ? parsed.references.split(/\s+/) : (parsed.references ?? []);
  const all = [...(parsed.inReplyTo ? parsed.inReplyTo.split(/\s+/) : []), ...[...refs].reverse()];
  return [...new Set(all.map((r) => r.trim()).filter((r) => /^<[^<>\s]+>$/.test(r)))].slice(0, 50);
}

/** The work item a Portico thread id names (<portico.{uuid}@domain>), if any. */
export function threadRootItemId(refs: string[]): string | null {
  for (const r of refs) {
    const m = /^<portico\.([0-9a-f-]{36})@[^>]+>$/i.exec(r);
    if (m) return m[1].toLowerCase();
  }
  return null;
}

const LIST_PRECEDENCE = new Set(["bulk", "junk", "list", "auto_reply", "auto-reply"]);

/**
 * Why this message is machine-made and must not open a ticket or get an acknowledgement
 * (RFC 3834 Auto-Submitted, Precedence, delivery reports, out-of-office markers), or null.
 */
export function automaticReason(parsed: ParsedMail, envelopeFrom?: string | null): string | null {
  const h = parsed.headers;
  const get = (k: string) => {
    const v = h.get(k);
    return v == null ? "" : typeof v === "string" ? v : typeof v === "object" && "value" in (v as object) ? String((v as { value: unknown }).value) : String(v);
  };
  const auto = get("auto-submitted").trim().toLowerCase();
  if (auto && auto !== "no") return `Auto-Submitted: ${auto}`;
  const precedence = get("precedence").trim().toLowerCase();
  if (LIST_PRECEDENCE.has(precedence)) return `Precedence: ${precedence}`;
  if (h.has("x-autoreply") || h.has("x-autorespond") || get("x-auto-response-suppress").toLowerCase().includes("oof")) return "auto-responder header";
  const ct = get("content-type").toLowerCase();
  if (ct.includes("multipart/report") || ct.includes("delivery-status")) return "delivery status notification";
  const from = (parsed.from?.value?.[0]?.address ?? "").toLowerCase();
  if (/^(mailer-daemon|postmaster)@/.test(from)) return `delivery report from ${from}`;
  if (envelopeFrom === "") return "empty envelope sender (bounce)";
  return null;
}

const QUOTE_HEADERS = [
  /^On .{1,200}wrote:\s*$/m,
  /^Am .{1,200}schrieb .{0,200}:\s*$/m,
  /^Le .{1,200}a écrit\s*:\s*$/m,
  /^-{2,}\s*Original Message\s*-{2,}/im,
  /^-{2,}\s*Ursprüngliche Nachricht\s*-{2,}/im,
  /^_{10,}\s*$/m,
  /^From:\s.+\n(Sent|Date):\s.+/m,
  /^Von:\s.+\n(Gesendet|Datum):\s.+/m,
];

/**
 * The new part of a reply, for display: quoted history ("On … wrote:", Outlook headers, > lines) and
 * the signature ("-- ") removed. The raw message is kept elsewhere, so nothing is lost.
 */
export function trimReply(text: string): string {
  let t = text.replace(/\r\n/g, "\n");
  let cut = t.length;
  for (const re of QUOTE_HEADERS) {
    const m = re.exec(t);
    if (m && m.index > 0 && m.index < cut) cut = m.index;
  }
  t = t.slice(0, cut);
  const sig = /^-- ?$/m.exec(t);
  if (sig && sig.index > 0) t = t.slice(0, sig.index);
  // A trailing block of quoted lines goes too; quotes inline with answers stay.
  const lines = t.split("\n");
  while (lines.length && (/^\s*>/.test(lines[lines.length - 1]) || lines[lines.length - 1].trim() === "")) lines.pop();
  const trimmed = lines.join("\n").trim();
  return trimmed || text.trim();
}

/** HTML made safe to show: scripts, styles, handlers and remote images removed; inline (cid:) images kept. */
export function sanitizeMailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.concat(["img", "span", "font", "center"]),
    allowedAttributes: { a: ["href", "title"], img: ["src", "alt", "width", "height"], "*": ["style"], td: ["colspan", "rowspan"], th: ["colspan", "rowspan"] },
    allowedSchemes: ["http", "https", "mailto"],
    allowedSchemesByTag: { img: ["cid", "data"] },
    allowedStyles: { "*": { color: [/^#[0-9a-f]{3,6}$/i, /^[a-z]+$/i], "font-weight": [/^\w+$/], "text-align": [/^\w+$/] } },
    transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer nofollow", target: "_blank" }) },
  });
}
