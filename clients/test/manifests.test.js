// The manifests pass their platforms' checks (tools/validate-*.mjs), and each check catches the
// mistake it is there for.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { assembleOutlook, CLIENTS } from "../tools/build.mjs";
import { validateOutlook } from "../tools/validate-outlook.mjs";
import { validateThunderbird } from "../tools/validate-thunderbird.mjs";

const OUTLOOK = path.join(CLIENTS, "outlook/manifest.xml");
const THUNDERBIRD = path.join(CLIENTS, "thunderbird");

function scratch(t) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mailwarden-manifest-test-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The Outlook manifest with one change, validated. */
async function outlookWith(t, change) {
  const file = path.join(scratch(t), "manifest.xml");
  const original = readFileSync(OUTLOOK, "utf8");
  const changed = change(original);
  assert.notEqual(changed, original, "the change applies");
  writeFileSync(file, changed);
  return validateOutlook(file);
}

/** The Thunderbird extension with one change, validated. */
async function thunderbirdWith(t, file, change) {
  const dir = path.join(scratch(t), "thunderbird");
  cpSync(THUNDERBIRD, dir, { recursive: true, dereference: true });
  const target = path.join(dir, file);
  const original = readFileSync(target, "utf8");
  const changed = change(original);
  assert.notEqual(changed, original, "the change applies");
  writeFileSync(target, changed);
  return validateThunderbird(dir);
}

describe("the Outlook manifest", () => {
  it("is valid as shipped, and as built for a fail-closed deployment", async (t) => {
    const shipped = await validateOutlook(OUTLOOK);
    assert.deepEqual(shipped.errors, []);
    assert.match(shipped.notes.join("\n"), /unified manifest v1\.\d+; its schema: 0 problems/);

    const site = assembleOutlook(path.join(scratch(t), "site"), {
      baseUrl: "https://addins.example.org/mailwarden",
      onFailure: "closed",
    });
    const built = path.join(site, "outlook/manifest.xml");
    assert.match(readFileSync(built, "utf8"), /SendMode="Block"/);
    assert.match(readFileSync(built, "utf8"), /https:\/\/addins\.example\.org\/mailwarden\/outlook\/launchevent\.html/);
    assert.deepEqual((await validateOutlook(built)).errors, []);
  });

  const broken = [
    ["PromptUser's bare Send Anyway", (x) => x.replace('SendMode="SoftBlock"', 'SendMode="PromptUser"'), /PromptUser/],
    ["XML that does not parse", (x) => x.replace("</DisplayName>", "").replace('<DisplayName DefaultValue="mailwarden"/>', "<DisplayName>"), /^XML: /],
    ["an Id that is not a GUID", (x) => x.replace(/<Id>[^<]+<\/Id>/, "<Id>mailwarden</Id>"), /office-addin-manifest-converter: [\s\S]*Parameter name: Manifest|\/id must match/],
    ["a handler name launchevent.js does not register", (x) => x.replace('FunctionName="onMessageSendHandler"', 'FunctionName="onSend"'), /runs onSend, launchevent\.js registers onMessageSendHandler/],
    ["no button for the alert to open", (x) => x.replace('id="mailwardenReviewButton"', 'id="reviewButton"'), /no button with id mailwardenReviewButton/],
    ["no right to set the header", (x) => x.replace("<Permissions>ReadWriteItem</Permissions>", "<Permissions>ReadItem</Permissions>"), /Permissions must be ReadWriteItem/],
    ["a page the build does not make", (x) => x.replace("outlook/taskpane.html\"/>\n        </bt:Urls>", "outlook/pane.html\"/>\n        </bt:Urls>"), /outlook\/pane\.html is not a file the build makes/],
    ["too old a requirement set for OnMessageSend", (x) => x.replace('DefaultMinVersion="1.12"', 'DefaultMinVersion="1.10"'), /Mailbox 1\.12/],
  ];
  for (const [what, change, expected] of broken) {
    it(`is refused with ${what}`, async (t) => {
      const result = await outlookWith(t, change);
      assert.ok(
        result.errors.some((error) => expected.test(error)),
        `expected an error like ${expected}, got:\n${result.errors.join("\n")}`,
      );
    });
  }
});

describe("the Thunderbird MailExtension", () => {
  it("is valid as shipped; addons-linter's Firefox-only warnings pass only for Thunderbird's own permissions", async () => {
    const result = await validateThunderbird(THUNDERBIRD);
    assert.deepEqual(result.errors, []);
    const notes = result.notes.join("\n");
    assert.match(notes, /Invalid permissions "compose".*Thunderbird permission/);
    assert.match(notes, /compose\.onBeforeSend/);
  });

  const broken = [
    ["a Firefox-only permission, which addons-linter accepts", "manifest.json", (x) => x.replace('"storage",', '"storage", "bookmarks",'), /Thunderbird schema \(Thunderbird would ignore it\): manifest\.permissions\[2\]: "bookmarks" is none of the values/],
    ["a permission neither knows", "manifest.json", (x) => x.replace('"storage",', '"storage", "composeEverything",'), /composeEverything/],
    ["an API Thunderbird does not have", "background.js", (x) => x + "\nmessenger.compose.onAfterSendLater.addListener(() => {});\n", /messenger\.compose\.onAfterSendLater is not in Thunderbird's compose API/],
    ["an API without its permission", "background.js", (x) => x + "\nmessenger.messages.delete([1]);\n", /messenger\.messages\.delete needs the "messagesDelete" permission/],
    ["a background page that is not there", "manifest.json", (x) => x.replace('"page": "background.html"', '"page": "main.html"'), /main\.html is loaded but is not inside the extension/],
    ["markup from the server put in the page", "prompt.js", (x) => x.replace("text.textContent = shown.message;", "text.innerHTML = shown.message;"), /addons-linter UNSAFE_VAR_ASSIGNMENT/],
  ];
  for (const [what, file, change, expected] of broken) {
    it(`is refused with ${what}`, async (t) => {
      const result = await thunderbirdWith(t, file, change);
      assert.ok(
        result.errors.some((error) => expected.test(error)),
        `expected an error like ${expected}, got:\n${result.errors.join("\n")}`,
      );
    });
  }
});
