import "@mantine/tiptap/styles.css";
import { Text } from "@mantine/core";
import { getUploadImageExtension, Link, RichTextEditor } from "@mantine/tiptap";
import { mergeAttributes, Node } from "@tiptap/core";
import { useEditor } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { useTranslation } from "react-i18next";

// A minimal image node (the server keeps src, alt, title, width, height on <img>).
const Image = Node.create({
  name: "image",
  group: "block",
  draggable: true,
  atom: true,
  addAttributes: () => ({ src: { default: null }, alt: { default: null }, title: { default: null } }),
  parseHTML: () => [{ tag: "img[src]" }],
  renderHTML: ({ HTMLAttributes }) => ["img", mergeAttributes({ style: "max-width: 100%" }, HTMLAttributes)],
});

/**
 * The article body editor (tiptap): headings, lists, links, quotes, code, and images uploaded into the
 * article's files. Whatever it produces is sanitized again on the server.
 */
export function ArticleEditor({
  initialHtml,
  onChange,
  onUploadImage,
  labelId,
}: {
  initialHtml: string;
  onChange: (html: string) => void;
  /** Stores a picked, dropped or pasted image and resolves to its URL; absent until the draft exists. */
  onUploadImage?: (file: File) => Promise<string>;
  labelId: string;
}) {
  const { t } = useTranslation();
  const upload = onUploadImage ?? (() => Promise.reject(new Error(t("knowledge.attachments.saveFirst"))));
  const editor = useEditor({
    extensions: [StarterKit.configure({ link: false }), Link, getUploadImageExtension(Image, { onImageUpload: upload })],
    content: initialHtml,
    immediatelyRender: true,
    shouldRerenderOnTransaction: false,
    editorProps: { attributes: { "aria-labelledby": labelId, "aria-multiline": "true", role: "textbox" } },
    onUpdate: ({ editor: e }) => onChange(e.getHTML()),
  });
  return (
    <div>
      <RichTextEditor editor={editor} onImageUpload={onUploadImage} aria-label={t("knowledge.field.body")}>
        <RichTextEditor.Toolbar sticky stickyOffset={60} aria-label={t("knowledge.editorLabels")}>
          <RichTextEditor.ControlsGroup>
            <RichTextEditor.Bold />
            <RichTextEditor.Italic />
            <RichTextEditor.Underline />
            <RichTextEditor.Strikethrough />
            <RichTextEditor.Code />
            <RichTextEditor.ClearFormatting />
          </RichTextEditor.ControlsGroup>
          <RichTextEditor.ControlsGroup>
            <RichTextEditor.H2 />
            <RichTextEditor.H3 />
            <RichTextEditor.BulletList />
            <RichTextEditor.OrderedList />
            <RichTextEditor.Blockquote />
            <RichTextEditor.CodeBlock />
            <RichTextEditor.Hr />
          </RichTextEditor.ControlsGroup>
          <RichTextEditor.ControlsGroup>
            <RichTextEditor.Link />
            <RichTextEditor.Unlink />
            {onUploadImage && <RichTextEditor.ImageUpload />}
          </RichTextEditor.ControlsGroup>
          <RichTextEditor.ControlsGroup>
            <RichTextEditor.Undo />
            <RichTextEditor.Redo />
          </RichTextEditor.ControlsGroup>
        </RichTextEditor.Toolbar>
        <RichTextEditor.Content mih={240} />
      </RichTextEditor>
      {!onUploadImage && (
        <Text size="xs" c="dimmed" mt={4}>
          {t("knowledge.attachments.saveFirst")}
        </Text>
      )}
    </div>
  );
}
