import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { ProblemState } from "../../../../contracts/problems";

const COLORS: Record<ProblemState, string> = {
  new: "blue",
  assessed: "indigo",
  root_cause_analysis: "violet",
  fix_in_progress: "orange",
  resolved: "teal",
  closed: "gray",
};

/** A problem's state as a badge (dark text on light fill keeps AA contrast). */
export function ProblemStateBadge({ state }: { state: ProblemState }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={COLORS[state]} radius="sm" tt="none" c="dark.8">
      {t(`problems.state.${state}`)}
    </Badge>
  );
}
