import { Modal, type ModalRootProps } from "@mantine/core";
import type { ElementType, ReactNode } from "react";
import { useTranslation } from "react-i18next";

// Mantine's header is a <header>, which would add a second "banner" landmark while the dialog is open.
const ModalHeader = Modal.Header as unknown as ElementType;

/** A dialog with a title, a translated close button and no stray landmarks. */
export function AppModal({ title, children, ...props }: Omit<ModalRootProps, "title"> & { title: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Modal.Root {...props}>
      <Modal.Overlay />
      <Modal.Content>
        <ModalHeader component="div">
          <Modal.Title fw={600}>{title}</Modal.Title>
          <Modal.CloseButton aria-label={t("app.close")} />
        </ModalHeader>
        <Modal.Body>{children}</Modal.Body>
      </Modal.Content>
    </Modal.Root>
  );
}
