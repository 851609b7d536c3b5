import { Alert, Button, Center, Group, Loader, Stack } from "@mantine/core";
import type { UseQueryResult } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ApiError } from "./api";
import { AnchorLink } from "./links";
import { PageHeading } from "./page";

/**
 * What the page of one record shows until the record is there: a spinner while it loads; when it cannot
 * be shown, the reference asked for with "not found / you may not see it" (404, or a malformed
 * reference) or "could not be loaded" with a retry, and the way back to the list. Every detail page
 * shows these states the same way: `if (!query.isSuccess) return <RecordFallback … />`.
 */
export function RecordFallback({
  query,
  reference,
  back,
  notFound,
}: {
  query: UseQueryResult<unknown>;
  /** What the address asked for (number or id), shown as the heading of the failure. */
  reference: string;
  back: { to: string; label: string };
  /** Message when the record does not exist or is not visible (default: a generic one naming the reference). */
  notFound?: string;
}) {
  const { t } = useTranslation();
  if (query.isPending)
    return (
      <Center py="xl">
        <Loader aria-label={t("app.loading")} />
      </Center>
    );
  if (query.isError || !query.isSuccess) {
    const missing = query.error instanceof ApiError && (query.error.status === 404 || query.error.status === 400);
    return (
      <Stack maw={640}>
        <PageHeading fz="h2" documentTitle={reference}>
          {reference}
        </PageHeading>
        <Alert color="red" role="alert">
          {missing ? (notFound ?? t("app.recordNotFound", { reference })) : t("app.recordLoadFailed")}
        </Alert>
        <Group>
          {!missing && <Button onClick={() => void query.refetch()}>{t("app.retry")}</Button>}
          <AnchorLink to={back.to as never}>{back.label}</AnchorLink>
        </Group>
      </Stack>
    );
  }
  return null;
}
