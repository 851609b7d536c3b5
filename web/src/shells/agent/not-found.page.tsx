import { Anchor, Center, Stack, Text } from "@mantine/core";
import { Link } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { PageHeading } from "../../app/page";

/** Unknown addresses. */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Center component="main" mih="60dvh">
      <Stack align="center">
        <PageHeading>{t("app.notFound")}</PageHeading>
        <Text>
          <Anchor component={Link} to="/">
            {t("app.backToQueue")}
          </Anchor>
        </Text>
      </Stack>
    </Center>
  );
}
