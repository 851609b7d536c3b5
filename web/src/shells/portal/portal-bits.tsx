import { Badge, Button, Card, FileButton, Group, Loader, Paper, Stack, Text, Textarea, ThemeIcon } from "@mantine/core";
import {
  IconBriefcase,
  IconBuilding,
  IconDesk,
  IconDeviceDesktop,
  IconDeviceLaptop,
  IconDeviceMobile,
  IconHeart,
  IconKey,
  IconLifebuoy,
  IconMail,
  IconPackage,
  IconPaperclip,
  IconShield,
  IconTool,
  IconTruck,
  IconUserMinus,
  IconUserPlus,
  IconUsers,
  IconApps,
} from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { RequestState } from "../../../../contracts/catalog";
import { ApiError } from "../../app/api";
import { RelativeTime } from "../../app/time";
import { postComment, uploadFile, useAttachments, useComments } from "../../features/catalog/catalog.api";
import { ArticleSuggestions, useDeflectionJourney } from "../../features/knowledge/article-suggestions";

const ICONS: Record<string, typeof IconPackage> = {
  laptop: IconDeviceLaptop,
  phone: IconDeviceMobile,
  monitor: IconDeviceDesktop,
  key: IconKey,
  software: IconApps,
  "user-plus": IconUserPlus,
  "user-minus": IconUserMinus,
  building: IconBuilding,
  desk: IconDesk,
  tool: IconTool,
  briefcase: IconBriefcase,
  heart: IconHeart,
  mail: IconMail,
  shield: IconShield,
  truck: IconTruck,
  package: IconPackage,
  users: IconUsers,
  lifebuoy: IconLifebuoy,
};

/** A catalog or desk icon by name. */
export function ItemIcon({ name, size = 44 }: { name: string; size?: number }) {
  const Icon = ICONS[name] ?? IconPackage;
  return (
    <ThemeIcon size={size} radius="md" variant="light" aria-hidden>
      <Icon size={size * 0.6} stroke={1.6} />
    </ThemeIcon>
  );
}

const COLORS: Record<RequestState, string> = {
  pending_approval: "yellow",
  in_progress: "blue",
  completed: "green",
  incomplete: "gray",
  rejected: "red",
  cancelled: "gray",
};

/** A request's status in words and colour. */
export function RequestStateBadge({ state }: { state: RequestState }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLORS[state]} variant="light" size="lg" radius="sm" style={{ flexShrink: 0 }}>
      {t(`catalog.states.${state}`)}
    </Badge>
  );
}

/**
 * Knowledge articles that may answer the person's question before they ask (deflection): pass the
 * words typed; a form that can end in a ticket passes its journey so the counters see the outcome.
 */
export function SuggestedArticles({ query, journeyId }: { query: string; journeyId?: string }) {
  const own = useDeflectionJourney();
  return <ArticleSuggestions subject={query} journeyId={journeyId ?? own.journeyId} />;
}

/** The public conversation of a ticket: comments oldest first, a composer, and attachments. */
export function Conversation({ base, ref }: { base: "requests" | "incidents"; ref: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const comments = useComments(base, ref);
  const files = useAttachments(base, ref);
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: [base, ref] });
  const send = async () => {
    if (!body.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await postComment(base, ref, body.trim());
      setBody("");
      await refresh();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t("errors.generic"));
    } finally {
      setBusy(false);
    }
  };
  const attach = async (file: File | null) => {
    if (!file) return;
    setBusy(true);
    try {
      await uploadFile(base, ref, file);
      await refresh();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t("errors.generic"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap="sm">
      <Text fw={700} component="h2" fz="lg">
        {t("catalog.request.conversation")}
      </Text>
      {comments.isLoading && <Loader size="sm" />}
      {(comments.data ?? []).map((c) => (
        <Paper key={c.id} withBorder p="sm" radius="md">
          <Group justify="space-between" gap="xs" mb={4}>
            <Text fw={600} fz="sm">
              {c.author?.name}
            </Text>
            <Text fz="xs" c="dimmed">
              <RelativeTime iso={c.createdAt} />
            </Text>
          </Group>
          <Text fz="sm" style={{ whiteSpace: "pre-wrap" }}>
            {c.body}
          </Text>
        </Paper>
      ))}
      <Textarea label={t("catalog.request.addComment")} autosize minRows={2} value={body} onChange={(e) => setBody(e.currentTarget.value)} error={error} />
      <Group gap="sm">
        <Button onClick={send} loading={busy} disabled={!body.trim()}>
          {t("catalog.request.send")}
        </Button>
        <FileButton onChange={attach}>
          {(props) => (
            <Button variant="default" leftSection={<IconPaperclip size={16} />} {...props} disabled={busy}>
              {t("catalog.request.attach")}
            </Button>
          )}
        </FileButton>
      </Group>
      <Text fw={700} component="h2" fz="lg" mt="sm">
        {t("catalog.request.attachments")}
      </Text>
      {(files.data ?? []).length === 0 && (
        <Text c="dimmed" fz="sm">
          {t("catalog.request.noAttachments")}
        </Text>
      )}
      {(files.data ?? []).map((f) => (
        <Text key={f.id} fz="sm">
          <a href={f.downloadUrl}>{f.filename}</a>
        </Text>
      ))}
    </Stack>
  );
}

/** A card that links somewhere, with an icon, a title and a line of text. */
export function TileCard({ icon, title, text, children }: { icon: string; title: string; text?: string; children?: React.ReactNode }) {
  return (
    <Card withBorder radius="md" padding="md" h="100%">
      <Group wrap="nowrap" align="flex-start" gap="md">
        <ItemIcon name={icon} />
        <div style={{ minWidth: 0 }}>
          <Text fw={700}>{title}</Text>
          {text && (
            <Text fz="sm" c="dimmed" lineClamp={2}>
              {text}
            </Text>
          )}
          {children}
        </div>
      </Group>
    </Card>
  );
}
