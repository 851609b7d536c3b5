import { type SearchKind, type THighlightPart, type TSearchHit, type TSearchQuery, type TSearchResult, WORK_ITEM_KINDS } from "../../../contracts/search";
import type { Actor, Deps } from "../../deps";
import { searchCis } from "../cmdb/cmdb.service";
import { isStaffActor, seesWholeOrganization } from "../work-items/work-item.policy";
import { findVisibleItem } from "../work-items/work-item.service";
import { usedTsConfigs } from "./article.repo";
import { findReadableArticle } from "./article.service";
import * as repo from "./search.repo";
import { cleanQuery, parseTextQuery } from "./search.query";

export { cleanQuery, parseTextQuery };

const NUMBER = /^(INC|REQ|TASK|PRB|CHG|CTASK|KB)0*(\d{1,12})$/i;
const TYPE_PATHS: Record<string, string> = {
  incident: "/incidents",
  request: "/requests",
  request_task: "/request-tasks",
  problem: "/problems",
  change: "/changes",
  change_task: "/change-tasks",
};

/** Where the agent app shows a record. */
export function pathOf(kind: string, number: string): string {
  if (kind === "article") return `/knowledge/${number}`;
  return `${TYPE_PATHS[kind] ?? "/work-items"}/${number}`;
}

/** ts_headline's marked text as parts (no HTML ever reaches the browser from here). */
export function highlightParts(marked: string): THighlightPart[] {
  const out: THighlightPart[] = [];
  let rest = marked;
  while (rest.length) {
    const s = rest.indexOf(repo.MARK_START);
    if (s < 0) {
      out.push({ text: rest, match: false });
      break;
    }
    if (s > 0) out.push({ text: rest.slice(0, s), match: false });
    const e = rest.indexOf(repo.MARK_END, s);
    const end = e < 0 ? rest.length : e;
    out.push({ text: rest.slice(s + 1, end), match: true });
    rest = e < 0 ? "" : rest.slice(e + 1);
  }
  return out.filter((p) => p.text.length > 0);
}

async function findJump(deps: Deps, actor: Actor, text: string): Promise<TSearchResult["jump"]> {
  const m = NUMBER.exec(text.replace(/\s+/g, ""));
  if (!m) return null;
  const prefix = m[1].toUpperCase();
  const number = `${prefix}${m[2].padStart(7, "0")}`;
  try {
    if (prefix === "KB") {
      const a = await findReadableArticle(deps.db, actor, number);
      return { kind: "article", id: a.id, number: a.number, title: a.title, url: pathOf("article", a.number) };
    }
    const it = await findVisibleItem(deps.db, actor, number);
    return { kind: it.type as SearchKind, id: it.id, number: it.number, title: it.title, url: pathOf(it.type, it.number) };
  } catch {
    // Not there, or not the caller's to see: no jump, and no hint that it exists.
    return null;
  }
}

/**
 * Search everywhere: work items of every type, comments (work notes for staff), articles and (staff)
 * people, each ranked and highlighted, scoped by the caller's organization and visibility rules.
 */
export async function searchEverywhere(deps: Deps, actor: Actor, input: TSearchQuery): Promise<TSearchResult> {
  const started = performance.now();
  const staff = isStaffActor(actor);
  const text = cleanQuery(input.q);
  const wanted = new Set<SearchKind>(
    input.types ??
      (staff
        ? ["incident", "request", "request_task", "problem", "change", "change_task", "comment", "article", "person", "ci"]
        : ["incident", "request", "request_task", "problem", "change", "change_task", "comment", "article"]),
  );
  if (!staff) {
    wanted.delete("person");
    wanted.delete("ci");
  }
  const itemTypes = WORK_ITEM_KINDS.filter((k) => wanted.has(k));
  const scope: repo.Scope = {
    orgId: actor.organizationId,
    requesterId: staff ? null : actor.userId,
    wholeOrganization: seesWholeOrganization(actor),
    types: itemTypes.length === WORK_ITEM_KINDS.length ? undefined : itemTypes,
    states: input.states,
    limit: input.limit,
  };
  const q = parseTextQuery(text);
  const jump = text ? await findJump(deps, actor, text) : null;
  // A number the caller may open is what they are after: answer at once, without a text search.
  if (!q || jump) return { query: text, jump, items: [], tookMs: Math.round(performance.now() - started) };

  const fuzzyOk = q.mode === "words" && text.length >= 3;
  const tasks: Array<Promise<TSearchHit[]>> = [];
  if (itemTypes.length) {
    tasks.push(
      repo
        .isCommon(deps.db, "work_items", q)
        .then((common) => repo.searchWorkItems(deps.db, scope, q, common))
        .then(async (rows) => {
          if (rows.length || !fuzzyOk) return rows.map((r) => itemHit(r, highlightParts(r.headline), false));
          const fuzzy = await repo.searchWorkItemsFuzzy(deps.db, scope, text);
          return fuzzy.map((r) => itemHit(r, [{ text: r.title, match: false }], true));
        }),
    );
  }
  if (wanted.has("comment") && itemTypes.length) {
    tasks.push(
      repo
        .isCommon(deps.db, "comments", q)
        .then((common) => repo.searchComments(deps.db, scope, q, common))
        .then((rows) =>
          rows.map((r) => ({
            kind: "comment" as const,
            id: r.id,
            number: r.number,
            title: r.title,
            state: r.state,
            url: `${pathOf(r.type, r.number)}#comment-${r.id}`,
            highlight: highlightParts(r.headline),
            rank: r.rank,
            fuzzy: false,
            visibility: r.visibility,
          })),
        ),
    );
  }
  if (wanted.has("article")) {
    tasks.push(
      usedTsConfigs(deps.db, actor.organizationId).then(async (configs) => {
        const rows = await repo.searchArticles(deps.db, scope, q, configs);
        if (rows.length || !fuzzyOk) return rows.map((r) => articleHit(r, highlightParts(r.headline), false));
        const fuzzy = await repo.searchArticlesFuzzy(deps.db, scope, text);
        return fuzzy.map((r) => articleHit(r, [{ text: r.title, match: false }], true));
      }),
    );
  }
  if (wanted.has("person") && staff) {
    tasks.push(
      repo.searchPeople(deps.db, actor.organizationId, text, input.limit).then((rows) =>
        rows.map((r) => ({
          kind: "person" as const,
          id: r.id,
          number: null,
          title: r.name,
          state: r.role,
          url: `/people/${r.id}`,
          highlight: [{ text: r.email, match: false }],
          rank: r.rank,
          fuzzy: false,
          visibility: null,
        })),
      ),
    );
  }
  if (wanted.has("ci") && staff) {
    tasks.push(
      searchCis(deps.db, actor.organizationId, text, { limit: input.limit }).then((rows) =>
        rows.map((r, i) => ({
          kind: "ci" as const,
          id: r.id,
          number: null,
          title: r.name,
          state: r.status,
          url: `/cmdb/${r.id}`,
          highlight: [{ text: r.className, match: false }],
          // The CMDB orders by similarity; keep its order.
          rank: 1 / (i + 1),
          fuzzy: false,
          visibility: null,
        })),
      ),
    );
  }
  const items = (await Promise.all(tasks)).flat();
  return { query: text, jump, items, tookMs: Math.round(performance.now() - started) };
}

function itemHit(
  r: { id: string; type: string; number: string; title: string; state: string; rank: number },
  highlight: THighlightPart[],
  fuzzy: boolean,
): TSearchHit {
  return {
    kind: r.type as SearchKind,
    id: r.id,
    number: r.number,
    title: r.title,
    state: r.state,
    url: pathOf(r.type, r.number),
    highlight,
    rank: r.rank,
    fuzzy,
    visibility: null,
  };
}

function articleHit(r: { id: string; number: string; title: string; state: string; rank: number }, highlight: THighlightPart[], fuzzy: boolean): TSearchHit {
  return {
    kind: "article",
    id: r.id,
    number: r.number,
    title: r.title,
    state: r.state,
    url: pathOf("article", r.number),
    highlight,
    rank: r.rank,
    fuzzy,
    visibility: null,
  };
}
