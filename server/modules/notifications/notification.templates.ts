import type { NotificationEventType } from "../../../contracts/notifications";
import { TEMPLATE_VARIABLES } from "../../../contracts/notifications";

export interface TemplateText {
  subject: string;
  body: string;
}

const FOOTER = "\n\n—\nReply to this email to add a comment to {{number}}. View it online: {{url}}";

/** Built-in templates (English); an organization overrides them per event and language, a desk per desk. */
export const DEFAULT_TEMPLATES: Record<string, Record<NotificationEventType, TemplateText>> = {
  en: {
    "work_item.created": {
      subject: "[{{number}}] Received: {{title}}",
      body:
        'Hello {{recipient}},\n\n{{number}} "{{title}}" has been recorded for {{requester}} with priority {{priority}}.\nWe will get back to you as soon as possible.\n\n{{message}}' +
        FOOTER,
    },
    "work_item.assigned": {
      subject: "[{{number}}] Assigned to {{assignee}}: {{title}}",
      body: `Hello {{recipient}},\n\n{{number}} "{{title}}" ({{priority}}) is now assigned to {{assignee}} in {{group}}.\nRequester: {{requester}}${FOOTER}`,
    },
    "work_item.commented": {
      subject: "[{{number}}] New comment: {{title}}",
      body: `Hello {{recipient}},\n\n{{actor}} wrote on {{number}}:\n\n{{comment}}${FOOTER}`,
    },
    "work_item.resolved": {
      subject: "[{{number}}] Resolved: {{title}}",
      body:
        'Hello {{recipient}},\n\n{{number}} "{{title}}" has been resolved by {{actor}}.\n\n{{message}}\n\nIf the problem is still there, reply to this email and we will reopen it.' +
        FOOTER,
    },
    "work_item.status_changed": {
      subject: "[{{number}}] Now {{state}}: {{title}}",
      body: `Hello {{recipient}},\n\n{{number}} "{{title}}" is now {{state}}.\n\n{{message}}${FOOTER}`,
    },
    "approval.requested": {
      subject: "[{{number}}] Approval needed: {{title}}",
      body: 'Hello {{recipient}},\n\nYour approval is requested for {{number}} "{{title}}" (requested by {{requester}}).\n\n{{message}}\n\nOpen it to approve or reject: {{url}}',
    },
    "sla.warning": {
      subject: "[{{number}}] SLA warning: {{title}}",
      body: 'Hello {{recipient}},\n\n{{number}} "{{title}}" ({{priority}}, {{state}}) is close to breaching its service level.\n\n{{message}}\n\nOpen it: {{url}}',
    },
  },
};

/** The built-in template for an event in a language, falling back to English. */
export function defaultTemplate(event: NotificationEventType, language: string): TemplateText {
  const base = language.split("-")[0];
  return (DEFAULT_TEMPLATES[language] ?? DEFAULT_TEMPLATES[base] ?? DEFAULT_TEMPLATES.en)[event];
}

export type TemplateVars = Partial<Record<(typeof TEMPLATE_VARIABLES)[number], string>>;

const KNOWN = new Set<string>(TEMPLATE_VARIABLES);
const PLACEHOLDER = /\{\{\s*([a-zA-Z_.]+)\s*\}\}/g;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/**
 * Renders a template: {{variables}} replaced (unknown ones reported and left out), the ticket number
 * forced into the subject so replies thread, and an HTML part derived from the text with every value
 * escaped (links made clickable). Header injection is impossible: the subject is one line.
 */
export function renderTemplate(
  t: TemplateText,
  vars: TemplateVars,
  number: string,
): { subject: string; text: string; html: string; unknownVariables: string[] } {
  const unknown = new Set<string>();
  const value = (name: string) => {
    if (!KNOWN.has(name)) {
      unknown.add(name);
      return "";
    }
    return vars[name as keyof TemplateVars] ?? "";
  };
  let subject = t.subject
    .replace(PLACEHOLDER, (_, n: string) => value(n))
    .replace(/[\r\n\t]+/g, " ")
    .replace(/\s{2,}/g, " ")
    .trim();
  if (number && !subject.includes(`[${number}]`)) subject = `[${number}] ${subject}`;
  subject = subject.slice(0, 400);
  const text = t.body
    .replace(PLACEHOLDER, (_, n: string) => value(n))
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  // HTML: escape the template text and the values alike; then paragraphs, line breaks and links.
  const html = escapeHtml(text)
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/\n/g, "<br>").replace(/(https?:\/\/[^\s<&]+)/g, '<a href="$1">$1</a>')}</p>`)
    .join("\n");
  return {
    subject,
    text,
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:14px;line-height:1.5;color:#1a1b1e">\n${html}\n</body></html>`,
    unknownVariables: [...unknown],
  };
}

/** Sample values for previews when no work item is given. */
export const SAMPLE_VARS: TemplateVars = {
  number: "INC0000123",
  title: "Printer on the 3rd floor jams",
  state: "in progress",
  priority: "P3",
  url: "https://portico.example/incidents/INC0000123",
  requester: "Dana Requester",
  assignee: "Alex Agent",
  group: "Service Desk",
  actor: "Alex Agent",
  recipient: "Dana Requester",
  comment: "We have ordered a new fuser unit; it arrives tomorrow.",
  message: "",
  desk: "IT Service Desk",
};
