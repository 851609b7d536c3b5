import { Center, Loader } from "@mantine/core";
import { RouterProvider } from "@tanstack/react-router";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useAuth } from "./auth";
import { router } from "./router";

/** Waits for the session probe, then runs the router with the auth state as its context. */
export function App() {
  const { state } = useAuth();
  const { t } = useTranslation();
  // Route guards (beforeLoad) re-run whenever someone signs in or out, or the session ends.
  useEffect(() => {
    if (state.status !== "loading") void router.invalidate();
  }, [state]);
  if (state.status === "loading") {
    return (
      <Center h="100dvh" aria-busy="true">
        <Loader aria-label={t("app.loading")} />
      </Center>
    );
  }
  return <RouterProvider router={router} context={{ auth: state }} />;
}
