import { Title, type TitleProps } from "@mantine/core";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

let firstPage = true;

/** Sets the document title: "<page> · Portico". */
export function useDocumentTitle(page: string | null | undefined) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = page ? t("app.pageTitle", { page }) : t("app.name");
  }, [page, t]);
}

/**
 * The page's one <h1>; also the document title. After an in-app navigation it takes focus, so
 * screen-reader and keyboard users land at the top of the new page (not on the first page load).
 */
export function PageHeading({ children, documentTitle, ...props }: TitleProps & { documentTitle?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useDocumentTitle(documentTitle ?? (typeof children === "string" ? children : undefined));
  useEffect(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <Title order={1} ref={ref} tabIndex={-1} className="page-heading" {...props}>
      {children}
    </Title>
  );
}
