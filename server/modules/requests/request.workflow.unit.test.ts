import { describe, expect, it } from "vitest";
import { checkTaskTransition, nextFulfilment, planSteps, taskActions } from "./request.workflow";

describe("fulfilment plan", () => {
  it("numbers steps: in sequence by default, together when parallel with the previous", () => {
    expect(
      planSteps([{ parallelWithPrevious: false }, { parallelWithPrevious: true }, { parallelWithPrevious: false }, { parallelWithPrevious: true }]),
    ).toEqual([1, 1, 2, 2]);
    expect(planSteps([{ parallelWithPrevious: true }])).toEqual([1]);
  });
  it("opens the next step only when the earlier ones are all closed, and closes the request at the end", () => {
    expect(
      nextFulfilment([
        { step: 1, state: "completed" },
        { step: 1, state: "in_progress" },
        { step: 2, state: "pending" },
      ]),
    ).toEqual({ kind: "wait" });
    expect(
      nextFulfilment([
        { step: 1, state: "completed" },
        { step: 1, state: "cancelled" },
        { step: 2, state: "pending" },
      ]),
    ).toEqual({ kind: "open_step", step: 2 });
    expect(
      nextFulfilment([
        { step: 1, state: "completed" },
        { step: 2, state: "completed" },
      ]),
    ).toEqual({ kind: "close", state: "completed" });
    expect(
      nextFulfilment([
        { step: 1, state: "completed" },
        { step: 2, state: "cancelled" },
      ]),
    ).toEqual({ kind: "close", state: "incomplete" });
    expect(nextFulfilment([])).toEqual({ kind: "close", state: "completed" });
  });
  it("task actions by state", () => {
    expect(taskActions("pending")).toEqual(["cancel"]);
    expect(taskActions("open")).toEqual(["start", "complete", "cancel"]);
    expect(taskActions("completed")).toEqual([]);
    expect(checkTaskTransition("start", "pending")).toMatchObject({ ok: false, reason: expect.stringMatching(/waits/) });
  });
});
