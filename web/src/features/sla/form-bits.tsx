import { Alert, List } from "@mantine/core";
import { ApiError } from "../../app/api";

/** The server's 400 as a list naming each problem's field (nothing was saved). */
export function ErrorSummary({ error }: { error: unknown }) {
  if (!error) return null;
  const err = error instanceof ApiError ? error : null;
  return (
    <Alert color="red" role="alert" title={err?.message ?? String(error)}>
      {err && err.details.length > 1 && (
        <List size="sm">
          {err.details.map((d) => (
            <List.Item key={`${d.field}:${d.message}`}>{d.field ? `${d.field.replace(/^body\./, "")}: ${d.message}` : d.message}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
