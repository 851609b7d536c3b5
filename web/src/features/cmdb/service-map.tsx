import { Alert, Box, Button, Group, Paper, SegmentedControl, Stack, Text, TextInput, Title } from "@mantine/core";
import { useNavigate } from "@tanstack/react-router";
import cytoscape, { type Core } from "cytoscape";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TServiceMap } from "../../../../contracts/cmdb";
import { AnchorLink } from "../../app/links";
import { useServiceMap } from "./cmdb.api";

const CLASS_COLOR: Record<string, string> = {
  business_service: "#7048e8",
  application: "#1c7ed6",
  server: "#2b8a3e",
  virtual_machine: "#37b24d",
  database: "#e8590c",
  network_device: "#495057",
  laptop: "#0c8599",
  mobile: "#0c8599",
  software: "#5c7cfa",
};

function elements(map: TServiceMap, rootId: string): cytoscape.ElementDefinition[] {
  return [
    ...map.nodes.map((n) => ({
      data: {
        id: n.id,
        label: `${n.name}\n${n.className}${n.openIncidents || n.openChanges ? `\n⚠ ${n.openIncidents} INC · ${n.openChanges} CHG` : ""}`,
        color: CLASS_COLOR[n.classKey] ?? "#868e96",
        border: n.openIncidents ? "#e03131" : n.openChanges ? "#f08c00" : "#ffffff",
        borderWidth: n.openIncidents || n.openChanges ? 5 : 2,
        root: n.id === rootId ? 1 : 0,
      },
    })),
    ...map.edges.map((e) => ({ data: { id: e.id, source: e.source, target: e.target, label: e.label } })),
  ];
}

/** An interactive graph around a CI (cytoscape), with open incidents and changes marked on the nodes, as of a chosen instant. */
export function ServiceMap({ ciId }: { ciId: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [depth, setDepth] = useState("2");
  const [asOfLocal, setAsOfLocal] = useState("");
  const asOf = asOfLocal ? new Date(asOfLocal).toISOString() : undefined;
  const map = useServiceMap(ciId, Number(depth), asOf);
  const box = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);

  useEffect(() => {
    if (!box.current || !map.data) return;
    const instance = cytoscape({
      container: box.current,
      elements: elements(map.data, ciId),
      wheelSensitivity: 0.3,
      style: [
        {
          selector: "node",
          style: {
            "background-color": "data(color)",
            label: "data(label)",
            "text-wrap": "wrap",
            "text-valign": "bottom",
            "text-margin-y": 6,
            "font-size": 11,
            color: "#212529",
            "text-background-color": "#ffffff",
            "text-background-opacity": 0.85,
            "text-background-padding": "2px",
            "border-color": "data(border)",
            "border-width": "data(borderWidth)",
            width: 34,
            height: 34,
          },
        },
        { selector: "node[root = 1]", style: { width: 46, height: 46, "font-weight": "bold" } },
        {
          selector: "edge",
          style: {
            width: 1.5,
            "line-color": "#adb5bd",
            "target-arrow-color": "#adb5bd",
            "target-arrow-shape": "triangle",
            "curve-style": "bezier",
            label: "data(label)",
            "font-size": 9,
            color: "#495057",
            "text-rotation": "autorotate",
            "text-background-color": "#ffffff",
            "text-background-opacity": 0.85,
          },
        },
      ],
      layout: { name: "breadthfirst", directed: true, roots: [ciId], spacingFactor: 1.1, padding: 20 },
    });
    instance.on("tap", "node", (ev) => {
      const id = ev.target.id();
      if (id !== ciId) void navigate({ to: "/cmdb/$ciId", params: { ciId: id } });
    });
    cy.current = instance;
    return () => {
      instance.destroy();
      cy.current = null;
    };
  }, [map.data, ciId, navigate]);

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="map-heading">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-end" wrap="wrap">
          <Title order={2} fz="h4" id="map-heading">
            {t("cmdb.detail.map")}
          </Title>
          <Group gap="sm" align="flex-end" wrap="wrap">
            <div>
              <Text size="xs" fw={500} id="map-depth-label">
                {t("cmdb.map.depth")}
              </Text>
              <SegmentedControl size="xs" value={depth} onChange={setDepth} data={["1", "2", "3"]} aria-labelledby="map-depth-label" />
            </div>
            <TextInput
              size="xs"
              type="datetime-local"
              label={t("cmdb.map.asOf")}
              value={asOfLocal}
              onChange={(e) => setAsOfLocal(e.currentTarget.value)}
              max={new Date().toISOString().slice(0, 16)}
            />
            {asOfLocal && (
              <Button size="xs" variant="default" onClick={() => setAsOfLocal("")}>
                {t("cmdb.map.now")}
              </Button>
            )}
            <Button size="xs" variant="default" onClick={() => cy.current?.fit(undefined, 20)}>
              {t("cmdb.map.fit")}
            </Button>
          </Group>
        </Group>
        <Text size="xs" c="dimmed">
          {t("cmdb.map.legend")}
        </Text>
        {map.data?.truncated && <Alert color="yellow">{t("cmdb.map.truncated", { count: map.data.nodes.length })}</Alert>}
        <Box ref={box} h={420} style={{ border: "1px solid var(--mantine-color-gray-3)", borderRadius: 8 }} aria-hidden data-testid="service-map" />
        {map.data && (
          <details>
            <summary>
              <Text span size="sm">
                {t("cmdb.map.listLabel")} ({map.data.nodes.length})
              </Text>
            </summary>
            <Stack component="ul" gap={2} mt={4} pl="md">
              {map.data.nodes.map((n) => (
                <li key={n.id}>
                  <AnchorLink to="/cmdb/$ciId" params={{ ciId: n.id }} size="sm">
                    {n.name}
                  </AnchorLink>{" "}
                  <Text span size="xs" c="dimmed">
                    {n.className} · {t("cmdb.map.openWork", { incidents: n.openIncidents, changes: n.openChanges })}
                  </Text>
                </li>
              ))}
            </Stack>
          </details>
        )}
      </Stack>
    </Paper>
  );
}
