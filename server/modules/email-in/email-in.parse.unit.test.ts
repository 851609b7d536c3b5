import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { automaticReason, sanitizeMailHtml, subjectNumber, threadReferences, threadRootItemId, ticketTitle, trimReply } from "./email-in.parse";

const mail = (headers: string, body = "Hello") => simpleParser(Buffer.from(`${headers}\r\nFrom: Dana <dana@example.test>\r\nSubject: x\r\n\r\n${body}\r\n`));

describe("inbound mail parsing", () => {
  it("finds the work-item number in a subject and makes a clean title", () => {
    expect(subjectNumber("RE: [inc0001234] Printer")).toBe("INC0001234");
    expect(subjectNumber("Printer [INC12]")).toBeNull();
    expect(ticketTitle("Re: AW: Fwd: [INC0001234]  Printer\r\n jams")).toBe("Printer jams");
    expect(ticketTitle("   ")).toBe("(no subject)");
    expect(ticketTitle("x".repeat(400))).toHaveLength(300);
  });

  it("reads thread references and Portico thread roots", () => {
    expect(threadReferences({ inReplyTo: "<b@x>", references: ["<a@x>", "<b@x>"] })).toEqual(["<b@x>", "<a@x>"]);
    expect(threadRootItemId(["<a@x>", "<portico.0f8e7d6c-1111-4222-8333-444455556666@acme.test>"])).toBe("0f8e7d6c-1111-4222-8333-444455556666");
  });

  it("recognises machine-made mail", async () => {
    expect(automaticReason(await mail("Auto-Submitted: auto-replied"))).toBe("Auto-Submitted: auto-replied");
    expect(automaticReason(await mail("Auto-Submitted: no"))).toBeNull();
    expect(automaticReason(await mail("Precedence: bulk"))).toBe("Precedence: bulk");
    expect(automaticReason(await mail("X-Autoreply: yes"))).toBe("auto-responder header");
    expect(automaticReason(await mail("Content-Type: multipart/report; report-type=delivery-status; boundary=x"))).toBe("delivery status notification");
    expect(automaticReason(await mail("X-Other: 1"), "")).toBe("empty envelope sender (bounce)");
    expect(automaticReason(await mail("X-Other: 1"))).toBeNull();
  });

  it("trims quoted history and signatures, keeping inline answers", () => {
    expect(trimReply("Thanks, works now.\n\nOn Mon, 23 Nov 2026 at 10:00, Desk <it@acme.test> wrote:\n> old text")).toBe("Thanks, works now.");
    expect(trimReply("Fixed.\n-- \nDana\nACME Finance")).toBe("Fixed.");
    expect(trimReply("Yes.\n\n-----Original Message-----\nFrom: x")).toBe("Yes.");
    expect(trimReply("> question?\nanswer\n> more\n> quoted")).toBe("> question?\nanswer");
    expect(trimReply("> only quotes")).toBe("> only quotes");
  });

  it("sanitizes HTML", () => {
    const out = sanitizeMailHtml(
      '<p onclick="x()">Hi<script>alert(1)</script><img src="cid:logo"><img src="https://track.example/p.gif"><a href="javascript:x">l</a></p>',
    );
    expect(out).not.toMatch(/script|onclick|javascript|track\.example/);
    expect(out).toContain('src="cid:logo"');
  });
});
