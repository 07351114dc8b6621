import { describe, expect, it } from "vitest";
import { disabledMessage, endpointEnabled } from "./enablement.js";

describe("enablement", () => {
  it("reads the flags and names them in the message", () => {
    expect(endpointEnabled({ gateway: { http: { endpoints: { chatCompletions: { enabled: true } } } } }, "chatCompletions")).toBe(true);
    expect(endpointEnabled({}, "responses")).toBe(false);
    expect(disabledMessage("/v1/chat/completions", ["chatCompletions"])).toBe(
      "The /v1/chat/completions endpoint is disabled. Set gateway.http.endpoints.chatCompletions.enabled=true to enable it.",
    );
    expect(disabledMessage("/v1/models", ["chatCompletions", "responses"])).toBe(
      "The /v1/models endpoint is disabled. Set gateway.http.endpoints.chatCompletions.enabled=true or gateway.http.endpoints.responses.enabled=true to enable it.",
    );
  });
});
