import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SessionStore } from "./store.js";
import { userMessage } from "./convert.js";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe("a partial line appended by someone else while the writer is open", () => {
  it("never fuses with our next entry", async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "oc-ext-"));
    const store = new SessionStore({ stateDir: dir });
    const key = "agent:main:main";
    await store.append("main", key, [userMessage("one")]);
    const entry = (await store.get("main", key))!;
    await fs.appendFile(store.transcriptPath("main", entry), '{"type":"message","id":"torn"');
    await store.append("main", key, [userMessage("two")]);
    const texts = (await store.readTranscript("main", key)).filter((e) => e.type === "message").map((e) => JSON.stringify(e.message));
    expect(texts).toHaveLength(2);
    expect(texts[1]).toContain("two");
    await store.close();
  });
});
