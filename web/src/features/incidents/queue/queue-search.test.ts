import { describe, expect, it } from "vitest";
import { parseQueueSearch, searchToView, toQueueQuery, viewToSearch } from "./queue-search";

describe("queue URL search", () => {
  it("drops unknown states, priorities and sorts", () => {
    expect(parseQueueSearch({ state: "new,bogus,on_hold", priority: "P1,P9", sort: "title", q: "  vpn  ", view: 3 })).toEqual({
      state: "new,on_hold",
      priority: "P1",
      group: undefined,
      assignee: undefined,
      q: "vpn",
      sort: undefined,
      view: undefined,
    });
  });

  it("turns a built-in view's open flag into the open states", () => {
    const s = viewToSearch({
      id: "builtin:my-open",
      name: "My open",
      filters: { assigneeId: "me", open: "true" },
      sort: "priority",
      builtIn: true,
      shared: true,
    });
    expect(s).toMatchObject({ state: "new,in_progress,on_hold", assignee: "me", sort: "priority", view: "builtin:my-open" });
    expect(toQueueQuery(s)).toEqual({
      state: ["new", "in_progress", "on_hold"],
      priority: undefined,
      group: undefined,
      assignee: "me",
      q: undefined,
      sort: "priority",
    });
  });

  it("round-trips filters through a saved view", () => {
    const s = parseQueueSearch({ state: "resolved", priority: "P1,P2", group: "mine,none", assignee: "none", q: "printer", sort: "-updatedAt" });
    const saved = searchToView(s);
    expect(saved).toEqual({
      filters: { state: ["resolved"], priority: ["P1", "P2"], assignmentGroupId: ["mine", "none"], assigneeId: "none", q: "printer" },
      sort: "-updatedAt",
    });
    expect(viewToSearch({ id: "v1", name: "x", builtIn: false, shared: false, ...saved })).toEqual({ ...s, view: "v1" });
  });
});
