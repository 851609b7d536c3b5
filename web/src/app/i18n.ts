import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { en, type Resources } from "../i18n/en";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: Resources };
  }
}

/** Starts i18next with the bundled English strings (more languages plug in as extra resources). */
export function initI18n(language = "en") {
  void i18next.use(initReactI18next).init({
    lng: language,
    fallbackLng: "en",
    resources: { en: { translation: en } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}

export { i18next };
