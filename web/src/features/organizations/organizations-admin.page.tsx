import {
  Alert,
  Badge,
  Box,
  Button,
  Checkbox,
  ColorInput,
  Container,
  FileButton,
  Grid,
  Group,
  Image,
  Modal,
  MultiSelect,
  NavLink,
  Paper,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconBuildingPlus, IconTrash, IconUpload } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TOrganizationDetail } from "../../../../contracts/organizations";
import { ApiError, api } from "../../app/api";
import { useMe } from "../../app/auth";
import { PageHeading } from "../../app/page";
import {
  type OrgNode,
  useMembers,
  useOnboard,
  useOrgDetail,
  useOrgTree,
  usePutMember,
  useRemoveMember,
  useUpdateOrg,
  useUploadLogo,
} from "./organizations.api";

const COPY_PARTS = ["categories", "services", "priorityMatrix", "calendars", "slaPolicies", "groups"] as const;
const LOCALES = [
  { value: "en", label: "English" },
  { value: "de", label: "Deutsch" },
  { value: "fr", label: "Français" },
  { value: "nl", label: "Nederlands" },
  { value: "es", label: "Español" },
];

function errorText(err: unknown, fallback: string) {
  return err instanceof ApiError ? err.message : fallback;
}

/** Organizations (admins): the tree below the one acted in, onboarding, branding and people of each. */
export function OrganizationsAdminPage() {
  const { t } = useTranslation();
  const me = useMe();
  const tree = useOrgTree();
  const [selected, setSelected] = useState<string | null>(null);
  const [onboarding, setOnboarding] = useState(false);
  const items = tree.data ?? [];
  useEffect(() => {
    if (!selected && items.length) setSelected(items[0].id);
  }, [items, selected]);
  return (
    <Container size="xl" px={0}>
      <Group justify="space-between" align="flex-start" mb="xs">
        <PageHeading>{t("organizations.admin.title")}</PageHeading>
        <Button leftSection={<IconBuildingPlus size={16} aria-hidden />} onClick={() => setOnboarding(true)}>
          {t("organizations.admin.onboard")}
        </Button>
      </Group>
      <Text c="dimmed" mb="lg" maw={760}>
        {t("organizations.admin.intro")}
      </Text>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Paper withBorder p="xs" component="nav" aria-label={t("organizations.admin.tree")}>
            {items.map((o) => (
              <NavLink
                key={o.id}
                label={o.name}
                description={`${t("organizations.admin.memberCount", { count: o.memberCount })}${o.portalHost ? ` · ${o.portalHost}` : ""}`}
                active={o.id === selected}
                onClick={() => setSelected(o.id)}
                style={{ paddingLeft: 12 + o.depth * 18 }}
                aria-current={o.id === selected ? "true" : undefined}
              />
            ))}
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          {selected ? <OrganizationEditor key={selected} id={selected} /> : <Text>{t("organizations.admin.select")}</Text>}
        </Grid.Col>
      </Grid>
      <Modal opened={onboarding} onClose={() => setOnboarding(false)} title={t("organizations.admin.onboardTitle")} size="lg">
        <OnboardForm
          parents={items}
          defaultParent={me.organization.id}
          onDone={(id) => {
            setOnboarding(false);
            setSelected(id);
          }}
        />
      </Modal>
    </Container>
  );
}

/** Creates a customer organization in one call (POST /api/v1/admin/organizations). */
function OnboardForm({ parents, defaultParent, onDone }: { parents: OrgNode[]; defaultParent: string; onDone: (id: string) => void }) {
  const { t } = useTranslation();
  const onboard = useOnboard();
  const groups = useQuery({
    queryKey: ["groups"],
    queryFn: () => api<{ items: { id: string; name: string }[] }>("GET", "/api/v1/groups").then((r) => r.items),
  });
  const [f, setF] = useState({
    name: "",
    slug: "",
    parentId: defaultParent,
    displayName: "",
    primaryColor: "",
    portalHost: "",
    mailbox: "",
    mailFrom: "",
    adminName: "",
    adminEmail: "",
    adminPassword: "",
  });
  const [copy, setCopy] = useState<string[]>(["categories", "services", "priorityMatrix"]);
  const [serving, setServing] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => {
    const v = e.currentTarget.value;
    setF((x) => ({ ...x, [k]: v, ...(k === "name" && !x.slug ? {} : {}) }));
  };
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setErrors({});
    const slug =
      f.slug ||
      f.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "");
    try {
      const r = await onboard.mutateAsync({
        name: f.name,
        slug,
        parentId: f.parentId,
        profile: {
          ...(f.displayName ? { displayName: f.displayName } : {}),
          ...(f.primaryColor ? { primaryColor: f.primaryColor } : {}),
          ...(f.portalHost ? { portalHost: f.portalHost } : {}),
        },
        ...(f.mailbox ? { mailbox: { address: f.mailbox } } : {}),
        ...(f.mailFrom ? { mail: { fromName: f.displayName || f.name, fromAddress: f.mailFrom, replyToAddress: null, enabled: true } } : {}),
        users: f.adminEmail
          ? [
              {
                email: f.adminEmail,
                name: f.adminName || undefined,
                role: "admin",
                organizationManager: false,
                ...(f.adminPassword ? { password: f.adminPassword } : {}),
              },
            ]
          : [],
        copyFromParent: copy as never,
        servingGroupIds: serving,
      });
      notifications.show({ color: "green", message: t("organizations.admin.created", { name: r.organization.name }) });
      onDone(r.organization.id);
    } catch (err) {
      if (err instanceof ApiError) {
        const fe = err.fieldErrors();
        setErrors(Object.fromEntries(Object.entries(fe).map(([k, v]) => [k.replace(/^profile\./, ""), v])));
      }
      setError(errorText(err, t("errors.generic")));
    }
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t("organizations.admin.name")} required value={f.name} onChange={set("name")} error={errors.name} data-autofocus />
          <TextInput
            label={t("organizations.admin.slug")}
            description={t("organizations.admin.slugHint")}
            value={f.slug}
            onChange={set("slug")}
            error={errors.slug}
          />
        </SimpleGrid>
        <Select
          label={t("organizations.admin.parent")}
          data={parents.map((p) => ({ value: p.id, label: `${"— ".repeat(p.depth)}${p.name}` }))}
          value={f.parentId}
          onChange={(v) => v && setF((x) => ({ ...x, parentId: v }))}
          allowDeselect={false}
          error={errors.parentId}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t("organizations.admin.displayName")} value={f.displayName} onChange={set("displayName")} error={errors.displayName} />
          <ColorInput
            label={t("organizations.admin.primaryColor")}
            description={t("organizations.admin.primaryColorHint")}
            value={f.primaryColor}
            onChange={(v) => setF((x) => ({ ...x, primaryColor: v }))}
            format="hex"
            error={errors.primaryColor}
          />
        </SimpleGrid>
        <TextInput
          label={t("organizations.admin.portalHost")}
          description={t("organizations.admin.portalHostHint")}
          value={f.portalHost}
          onChange={set("portalHost")}
          error={errors.portalHost}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t("organizations.admin.mailbox")} type="email" value={f.mailbox} onChange={set("mailbox")} error={errors["mailbox.address"]} />
          <TextInput label={t("organizations.admin.mailFrom")} type="email" value={f.mailFrom} onChange={set("mailFrom")} error={errors["mail.fromAddress"]} />
        </SimpleGrid>
        <Title order={3} fz="h5">
          {t("organizations.admin.firstAdmin")}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t("organizations.admin.firstAdminName")} value={f.adminName} onChange={set("adminName")} />
          <TextInput
            label={t("organizations.admin.firstAdminEmail")}
            type="email"
            value={f.adminEmail}
            onChange={set("adminEmail")}
            error={errors["users.0.email"]}
          />
        </SimpleGrid>
        <PasswordInput
          label={t("organizations.admin.firstAdminPassword")}
          description={t("organizations.admin.firstAdminPasswordHint")}
          value={f.adminPassword}
          onChange={set("adminPassword")}
          error={errors["users.0.password"]}
        />
        <Checkbox.Group label={t("organizations.admin.copy")} value={copy} onChange={setCopy}>
          <Group mt={6} gap="md">
            {COPY_PARTS.map((p) => (
              <Checkbox key={p} value={p} label={t(`organizations.admin.copyParts.${p}`)} />
            ))}
          </Group>
        </Checkbox.Group>
        <MultiSelect
          label={t("organizations.admin.servingGroups")}
          data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
          value={serving}
          onChange={setServing}
          searchable
        />
        <Group justify="flex-end">
          <Button type="submit" loading={onboard.isPending}>
            {t("organizations.admin.create")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Branding, portal and sharing of one organization, and its people. */
function OrganizationEditor({ id }: { id: string }) {
  const detail = useOrgDetail(id);
  const d = detail.data;
  if (!d) return null;
  return (
    <Stack gap="lg">
      <BrandingForm d={d} />
      <MembersPanel id={id} />
    </Stack>
  );
}

function BrandingForm({ d }: { d: TOrganizationDetail }) {
  const { t } = useTranslation();
  const update = useUpdateOrg(d.id);
  const logo = useUploadLogo(d.id);
  const [p, setP] = useState({
    name: d.name,
    displayName: d.profile.displayName ?? "",
    primaryColor: d.profile.primaryColor ?? "",
    portalHost: d.profile.portalHost ?? "",
    portalLocale: d.profile.portalLocale ?? "",
    requesterVisibility: d.profile.requesterVisibility ?? "",
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const eff = d.effective;
  async function save(e: FormEvent) {
    e.preventDefault();
    setErrors({});
    try {
      await update.mutateAsync({
        name: p.name,
        profile: {
          displayName: p.displayName || null,
          primaryColor: p.primaryColor || null,
          portalHost: p.portalHost || null,
          portalLocale: p.portalLocale || null,
          requesterVisibility: (p.requesterVisibility || null) as "own" | "organization" | null,
        },
      });
      notifications.show({ color: "green", message: t("organizations.admin.saved") });
    } catch (err) {
      if (err instanceof ApiError) setErrors(Object.fromEntries(Object.entries(err.fieldErrors()).map(([k, v]) => [k.replace(/^profile\./, ""), v])));
      notifications.show({ color: "red", message: errorText(err, t("errors.generic")) });
    }
  }
  async function upload(file: File | null) {
    if (!file) return;
    const buf = new Uint8Array(await file.arrayBuffer());
    let bin = "";
    for (const b of buf) bin += String.fromCharCode(b);
    try {
      await logo.mutateAsync({ contentType: file.type, dataBase64: btoa(bin) });
      notifications.show({ color: "green", message: t("organizations.admin.saved") });
    } catch (err) {
      notifications.show({ color: "red", message: errorText(err, t("errors.generic")) });
    }
  }
  const inheritLabel = (v: string) => t("organizations.admin.inherit", { value: v });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="org-branding">
      <form onSubmit={save} noValidate>
        <Stack>
          <Group justify="space-between">
            <Title order={2} fz="h4" id="org-branding">
              {t("organizations.admin.branding")}
            </Title>
            <Box
              aria-label={t("organizations.admin.preview")}
              role="img"
              px="sm"
              py={6}
              style={{ background: p.primaryColor || eff.primaryColor, color: "white", borderRadius: 6, display: "flex", alignItems: "center", gap: 8 }}
            >
              {eff.logoUrl && <Image src={eff.logoUrl} h={22} w="auto" alt="" />}
              <Text fw={700} size="sm" c="white">
                {p.displayName || eff.displayName}
              </Text>
            </Box>
          </Group>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t("organizations.admin.name")} value={p.name} onChange={(e) => setP({ ...p, name: e.currentTarget.value })} error={errors.name} />
            <TextInput
              label={t("organizations.admin.displayName")}
              placeholder={d.name}
              value={p.displayName}
              onChange={(e) => setP({ ...p, displayName: e.currentTarget.value })}
              error={errors.displayName}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <ColorInput
              label={t("organizations.admin.primaryColor")}
              description={t("organizations.admin.primaryColorHint")}
              placeholder={inheritLabel(eff.primaryColor)}
              value={p.primaryColor}
              onChange={(v) => setP({ ...p, primaryColor: v })}
              format="hex"
              error={errors.primaryColor}
            />
            <TextInput
              label={t("organizations.admin.portalHost")}
              description={t("organizations.admin.portalHostHint")}
              value={p.portalHost}
              onChange={(e) => setP({ ...p, portalHost: e.currentTarget.value })}
              error={errors.portalHost}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label={t("organizations.admin.portalLocale")}
              data={[{ value: "", label: inheritLabel(eff.portalLocale) }, ...LOCALES]}
              value={p.portalLocale}
              onChange={(v) => setP({ ...p, portalLocale: v ?? "" })}
            />
            <Select
              label={t("organizations.admin.requesterVisibility")}
              data={[
                {
                  value: "",
                  label: inheritLabel(
                    eff.requesterVisibility === "own" ? t("organizations.admin.visibilityOwn") : t("organizations.admin.visibilityOrganization"),
                  ),
                },
                { value: "own", label: t("organizations.admin.visibilityOwn") },
                { value: "organization", label: t("organizations.admin.visibilityOrganization") },
              ]}
              value={p.requesterVisibility}
              onChange={(v) => setP({ ...p, requesterVisibility: v ?? "" })}
            />
          </SimpleGrid>
          <Group justify="space-between">
            <Group gap="sm">
              <FileButton onChange={(f) => void upload(f)} accept="image/png,image/jpeg,image/webp">
                {(props) => (
                  <Button {...props} variant="default" leftSection={<IconUpload size={16} aria-hidden />} loading={logo.isPending}>
                    {t("organizations.admin.logoUpload")}
                  </Button>
                )}
              </FileButton>
              <Text size="xs" c="dimmed">
                {t("organizations.admin.logoHint")}
              </Text>
            </Group>
            <Button type="submit" loading={update.isPending}>
              {t("organizations.admin.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function MembersPanel({ id }: { id: string }) {
  const { t } = useTranslation();
  const members = useMembers(id);
  const put = usePutMember(id);
  const remove = useRemoveMember(id);
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState("requester");
  const [manager, setManager] = useState(false);
  async function add(e: FormEvent) {
    e.preventDefault();
    try {
      await put.mutateAsync({ email, name: name || undefined, role, organizationManager: manager });
      setEmail("");
      setName("");
      setManager(false);
    } catch (err) {
      notifications.show({ color: "red", message: errorText(err, t("errors.generic")) });
    }
  }
  const rows = members.data ?? [];
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="org-members">
      <Stack>
        <Title order={2} fz="h4" id="org-members">
          {t("organizations.admin.members")}
        </Title>
        {rows.length === 0 ? (
          <Text c="dimmed">{t("organizations.admin.noMembers")}</Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("organizations.admin.name")}</Table.Th>
                  <Table.Th>{t("organizations.admin.role")}</Table.Th>
                  <Table.Th>{t("organizations.admin.source")}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t("organizations.admin.remove")}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((m) => (
                  <Table.Tr key={m.userId}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {m.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {m.email}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <Badge variant="light" color={m.role === "requester" ? "gray" : "blue"}>
                          {t(`organizations.roles.${m.role}`)}
                        </Badge>
                        {m.organizationManager && (
                          <Badge variant="light" color="grape">
                            {t("organizations.admin.managerShort")}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{t(`organizations.sources.${m.source}`)}</Text>
                    </Table.Td>
                    <Table.Td>
                      {m.source === "direct" && (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          leftSection={<IconTrash size={14} aria-hidden />}
                          aria-label={t("organizations.admin.removeLabel", { name: m.name })}
                          onClick={() => remove.mutate(m.userId)}
                        >
                          {t("organizations.admin.remove")}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <form onSubmit={add} aria-label={t("organizations.admin.addMember")}>
          <Stack gap="xs">
            <Title order={3} fz="h5">
              {t("organizations.admin.addMember")}
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput label={t("organizations.admin.email")} type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
              <TextInput label={t("organizations.admin.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} />
              <Select
                label={t("organizations.admin.role")}
                data={(["requester", "agent", "admin"] as const).map((r) => ({ value: r, label: t(`organizations.roles.${r}`) }))}
                value={role}
                onChange={(v) => v && setRole(v)}
                allowDeselect={false}
              />
            </SimpleGrid>
            <Group justify="space-between">
              <Switch label={t("organizations.admin.manager")} checked={manager} onChange={(e) => setManager(e.currentTarget.checked)} />
              <Button type="submit" variant="light" loading={put.isPending}>
                {t("organizations.admin.addMember")}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Paper>
  );
}
