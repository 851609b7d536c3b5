import { type CSSVariablesResolver, createTheme, DEFAULT_THEME, type MantineColorsTuple } from "@mantine/core";

// Light variants (alerts, light buttons, badges) draw shade 9 on shade 1; these darker 9s keep that
// pair above 4.5:1 for red, orange, green and yellow. Shade 8 as primary keeps white-on-blue at 5:1.
const darken9 = (name: keyof typeof DEFAULT_THEME.colors, shade9: string): MantineColorsTuple => {
  const c = [...DEFAULT_THEME.colors[name]];
  c[9] = shade9;
  return c as unknown as MantineColorsTuple;
};

export const INTERNAL_COLOR = "#a33f00";

/**
 * Mantine's dimmed grey (#868e96) is 3.3:1 on white, so secondary text uses gray.7 (8:1); placeholders
 * carry meaning here ("Any priority"), so they get 4.7:1 instead of 2:1.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { "--mantine-color-dimmed": "var(--mantine-color-gray-7)", "--mantine-color-placeholder": "#6c757d" },
  dark: {},
});

export const theme = createTheme({
  primaryColor: "blue",
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: "sm",
  cursorType: "pointer",
  colors: {
    red: darken9("red", "#b02525"),
    orange: darken9("orange", "#a33f00"),
    green: darken9("green", "#1f6f30"),
    yellow: darken9("yellow", "#7a5200"),
  },
  components: {
    // A badge says a state in one or two words: never cut it to "Schedul…" when a table column is tight.
    Badge: { styles: { root: { minWidth: "max-content" } } },
  },
});
