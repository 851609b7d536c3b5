import { Anchor, Badge, Group, Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { TLinkTree } from "../../../../contracts/desk-work";
import { useLinkTree } from "./desk-work.api";

type Node = TLinkTree["nodes"][number];
const PATHS: Record<string, string> = { incident: "/incidents", problem: "/problems", change: "/changes", request: "/requests" };
const INVERSE: Record<string, string> = { child_of: "parent_of", duplicate_of: "duplicated_by", caused_by: "causes" };

/**
 * The incident → problem → change tree around a record, generic over work_item_links: starting at
 * this record, each linked item hangs under the item it was reached from, with the relationship.
 */
export function LinkTreePanel({ itemRef }: { itemRef: string }) {
  const { t } = useTranslation();
  const tree = useLinkTree(itemRef);
  const g = tree.data;
  if (!g) return null;
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const seen = new Set([g.rootId]);
  const render = (id: string, depth: number): ReactNode[] => {
    const out: ReactNode[] = [];
    for (const e of g.edges) {
      const out_ = e.sourceId === id ? e.targetId : e.targetId === id ? e.sourceId : null;
      if (!out_ || seen.has(out_)) continue;
      const node = byId.get(out_);
      if (!node) continue;
      seen.add(out_);
      const kind = e.sourceId === id ? e.kind : (INVERSE[e.kind] ?? e.kind);
      out.push(
        <li key={`${id}-${out_}`}>
          <Row node={node} label={t(`deskWork.tree.kind.${kind}`, { defaultValue: kind.replace(/_/g, " ") })} />
          <ul className="link-tree">{render(out_, depth + 1)}</ul>
        </li>,
      );
    }
    return out;
  };
  const root = byId.get(g.rootId);
  const items = render(g.rootId, 0);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="tree-heading">
      <Stack gap="xs">
        <Title order={2} fz="h4" id="tree-heading">
          {t("deskWork.tree.title")}
        </Title>
        {items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("deskWork.tree.empty")}
          </Text>
        ) : (
          <ul className="link-tree link-tree-root">
            <li>
              {root && <Row node={root} current />}
              <ul className="link-tree">{items}</ul>
            </li>
          </ul>
        )}
        {g.truncated && (
          <Text size="xs" c="dimmed">
            {t("deskWork.tree.truncated", { count: g.nodes.length })}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function Row({ node, label, current }: { node: Node; label?: string; current?: boolean }) {
  const { t } = useTranslation();
  const base = PATHS[node.type];
  return (
    <Group gap={6} wrap="nowrap" py={2}>
      {label && (
        <Text size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
          {label}
        </Text>
      )}
      {current || !base ? (
        <Text size="sm" ff="monospace" fw={current ? 700 : 400}>
          {node.number}
        </Text>
      ) : (
        <Anchor href={`${base}/${node.number}`} size="sm" ff="monospace">
          {node.number}
        </Anchor>
      )}
      <Text size="sm" truncate style={{ minWidth: 0 }} title={node.title}>
        {node.title}
      </Text>
      <Badge size="xs" variant="light" color="gray" style={{ flexShrink: 0 }}>
        {t(`state.${node.state}`, { defaultValue: node.state.replace(/_/g, " ") })}
      </Badge>
    </Group>
  );
}
