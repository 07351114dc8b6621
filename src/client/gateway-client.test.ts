import { describe, expect, it } from "vitest";
import { clientLocale } from "./gateway-client.js";

describe("clientLocale", () => {
  it("reads LC_ALL, LC_MESSAGES, then LANG, as BCP 47", () => {
    expect(clientLocale({ LANG: "de_DE.UTF-8" }, "linux")).toBe("de-DE");
    expect(clientLocale({ LC_ALL: "fr_CA", LANG: "de_DE.UTF-8" }, "linux")).toBe("fr-CA");
    expect(clientLocale({ LC_ALL: "", LC_MESSAGES: "pt_BR.utf8@euro" }, "darwin")).toBe("pt-BR");
    expect(clientLocale({ LANG: "es_419.UTF-8" }, "linux")).toBe("es-419");
    expect(clientLocale({ LANG: "ja" }, "linux")).toBe("ja");
  });

  it("C, POSIX or nothing set means en-US (ICU's default there)", () => {
    expect(clientLocale({ LANG: "C.UTF-8" }, "linux")).toBe("en-US");
    expect(clientLocale({ LANG: "POSIX" }, "linux")).toBe("en-US");
    expect(clientLocale({}, "linux")).toBe("en-US");
  });
});
