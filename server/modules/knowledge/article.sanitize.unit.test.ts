import { describe, expect, it } from "vitest";
import { htmlToText, sanitizeArticleHtml, textToHtml } from "./article.sanitize";

// A corpus of the usual XSS vectors (OWASP filter evasion cheat sheet, shortened): none may survive.
const XSS: string[] = [
  "<script>alert(1)</script>",
  "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
  '<img src="x" onerror="alert(1)">',
  "<img src=javascript:alert('XSS')>",
  "<img src=JaVaScRiPt:alert('XSS')>",
  '<img src="jav&#x09;ascript:alert(1)">',
  "<img src=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
  '<a href="javascript:alert(1)">click</a>',
  '<a href=" javascript:alert(1)">click</a>',
  '<a href="JAVASCRIPT:alert(1)">click</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  "<svg onload=alert(1)>",
  "<svg><script>alert(1)</script></svg>",
  "<body onload=alert(1)>",
  '<iframe src="https://evil.example"></iframe>',
  '<object data="x.swf"></object>',
  '<embed src="x.swf">',
  "<style>body{background:url(javascript:alert(1))}</style>",
  '<p style="background:url(javascript:alert(1))">styled</p>',
  '<div onclick="alert(1)">div</div>',
  '<form action="javascript:alert(1)"><input type=submit></form>',
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  '<a href="#" onmouseover="alert(1)">hover</a>',
  '<img src="//evil.example/x.png">',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  "<<script>script>alert(1)<</script>/script>",
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<link rel="stylesheet" href="javascript:alert(1)">',
  "<template><script>alert(1)</script></template>",
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<a href="java\u0000script:alert(1)">nul</a>',
  '<img src="x" alt="ok" onerror = "alert(1)">',
];

const DANGEROUS = /<script|<iframe|<object|<embed|<style|<svg|<meta|<base|<link|<form|<template|\son\w+\s*=|javascript:|vbscript:|data:|style=/i;

describe("sanitizeArticleHtml", () => {
  it.each(XSS)("strips what could run: %s", (input) => {
    const out = sanitizeArticleHtml(input);
    expect(out).not.toMatch(DANGEROUS);
    // Sanitizing is stable: a second pass changes nothing.
    expect(sanitizeArticleHtml(out)).toBe(out);
  });

  it("keeps what the editor makes: headings, lists, links, images, tables, code", () => {
    const html =
      '<h2>Steps</h2><ol><li><strong>Open</strong> <em>settings</em></li></ol><p><a href="https://vpn.example/help" target="_blank">help</a> <img src="/api/v1/knowledge/attachments/0b6a5e0e-0000-4000-8000-000000000000/content" alt="screen"></p><table><tbody><tr><td colspan="2">x</td></tr></tbody></table><pre><code class="language-bash">ping 10.0.0.1</code></pre><blockquote>tip</blockquote>';
    const out = sanitizeArticleHtml(html);
    for (const s of [
      "<h2>Steps</h2>",
      "<ol><li><strong>Open</strong>",
      "<em>settings</em>",
      'href="https://vpn.example/help"',
      'rel="noopener noreferrer"',
      'alt="screen"',
      'colspan="2"',
      'class="language-bash"',
      "<blockquote>tip</blockquote>",
    ]) {
      expect(out).toContain(s);
    }
    expect(out).toContain('src="/api/v1/knowledge/attachments/');
  });

  it("keeps mailto and https links, drops the link target of others but keeps their text", () => {
    expect(sanitizeArticleHtml('<a href="mailto:help@acme.test">mail</a>')).toContain('href="mailto:help@acme.test"');
    expect(sanitizeArticleHtml('<a href="javascript:alert(1)">click me</a>')).toBe('<a rel="noopener noreferrer">click me</a>');
  });
});

describe("htmlToText / textToHtml", () => {
  it("reads the words of the body, block by block, with entities decoded and scripts dropped", () => {
    expect(htmlToText("<h2>VPN</h2><p>Use <b>AnyConnect</b> &amp; MFA</p><script>evil()</script><ul><li>one</li><li>two</li></ul>")).toBe(
      "VPN\nUse AnyConnect & MFA\none\ntwo",
    );
  });
  it("escapes plain text into paragraphs", () => {
    expect(textToHtml("a <b>\nline\n\nnext & last")).toBe("<p>a &lt;b&gt;<br>line</p><p>next &amp; last</p>");
  });
});
