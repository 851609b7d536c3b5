import { SEARCH_MAX_CHARS } from "../../../contracts/search";
import type { TextQuery } from "./search.repo";

// Operators of the web search syntax: quotes, "or", a leading minus. Without them, words match as prefixes.
const OPERATORS = /"|(^|\s)-\S|\s(or|OR)\s/;

/** What was typed, made safe to send: no control characters (PostgreSQL refuses NUL), one space, capped. */
export function cleanQuery(input: string): string {
  return input
    .normalize("NFKC")
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, SEARCH_MAX_CHARS);
}

/** Turns what a person typed into a query that cannot fail: websearch syntax, or sanitized words. */
export function parseTextQuery(input: string, join: "&" | "|" = "&"): TextQuery | null {
  const text = cleanQuery(input);
  if (!text) return null;
  if (join === "&" && OPERATORS.test(text)) return { mode: "websearch", text };
  const words = (text.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 32).map((w) => w.toLowerCase());
  if (!words.length) return null;
  // Only letters and digits reach to_tsquery, each quoted; the last word is a prefix (typing in progress).
  const parts = words.map((w, i) => (i === words.length - 1 ? `'${w}':*` : `'${w}'`));
  return { mode: "words", text: parts.join(` ${join} `) };
}
