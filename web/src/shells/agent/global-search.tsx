import { Kbd, TextInput } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { useNavigate } from "@tanstack/react-router";
import { useMediaQuery } from "@mantine/hooks";
import { type FormEvent, type RefObject, useState } from "react";
import { useTranslation } from "react-i18next";
import { openPalette } from "../../features/knowledge/command-palette";

const NUMBER = /^[A-Za-z]{3,4}\d{1,12}$/;

/** Search box: a number like INC0000012 opens it; other text opens search everywhere (also Ctrl-K). "/" focuses it. */
export function GlobalSearch({ inputRef }: { inputRef: RefObject<HTMLInputElement | null> }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [value, setValue] = useState("");
  const wide = useMediaQuery("(min-width: 48em)", true);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const q = value.trim();
    if (!q) return;
    if (NUMBER.test(q)) {
      void navigate({ to: "/incidents/$incidentId", params: { incidentId: q.toUpperCase() } });
      setValue("");
    } else {
      openPalette(q);
      setValue("");
    }
    inputRef.current?.blur();
  }

  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is not in React's JSX types yet; role=search is equivalent
    <form role="search" onSubmit={onSubmit} style={{ flex: 1, maxWidth: 520 }}>
      <TextInput
        ref={inputRef}
        aria-label={t("shell.search")}
        placeholder={wide ? t("shell.searchPlaceholder") : t("shell.searchShort")}
        value={value}
        onChange={(e) => setValue(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") e.currentTarget.blur();
        }}
        leftSection={<IconSearch size={16} aria-hidden />}
        rightSection={
          wide ? (
            <Kbd size="xs" aria-hidden>
              {t("search.shortcut")}
            </Kbd>
          ) : undefined
        }
        rightSectionPointerEvents="none"
        rightSectionWidth={wide ? 56 : undefined}
        aria-keyshortcuts="/ Control+K"
        type="search"
      />
    </form>
  );
}
