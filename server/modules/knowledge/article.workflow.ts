import type { ArticleAction, ArticleStateName } from "../../../contracts/knowledge";

/** The article life cycle as data: action → from-states → to-state. */
export const ARTICLE_TRANSITIONS: Record<ArticleAction, { from: ArticleStateName[]; to: ArticleStateName }> = {
  submit: { from: ["draft"], to: "review" },
  approve: { from: ["review"], to: "published" },
  reject: { from: ["review"], to: "draft" },
  publish: { from: ["draft", "review"], to: "published" },
  retire: { from: ["published"], to: "retired" },
  redraft: { from: ["retired", "published"], to: "draft" },
};

export interface ArticleActorView {
  isStaff: boolean;
  isAdmin: boolean;
  isAuthor: boolean;
  isReviewer: boolean;
}

/** Who may run an action, apart from the state: reviewers decide on reviews, admins may publish directly. */
export function mayRun(action: ArticleAction, who: ArticleActorView): boolean {
  if (!who.isStaff) return false;
  switch (action) {
    case "approve":
    case "reject":
      // Four eyes: the author cannot approve their own article (admins can override).
      return who.isAdmin || (who.isReviewer && !who.isAuthor);
    case "publish":
      return who.isAdmin;
    default:
      return true;
  }
}

/** The actions open to this person on an article in this state. */
export function availableArticleActions(state: ArticleStateName, who: ArticleActorView): ArticleAction[] {
  return (Object.keys(ARTICLE_TRANSITIONS) as ArticleAction[]).filter((a) => ARTICLE_TRANSITIONS[a].from.includes(state) && mayRun(a, who));
}

/** Can the article be edited in this state? Retired articles are read-only until redrafted. */
export function isEditable(state: ArticleStateName): boolean {
  return state !== "retired";
}
