// The Outlook add-in's Smart Alerts flow, on a compose item with Office.js's callback API.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";

import { readDraft, typeFor } from "../outlook/office-draft.js";
import { confirmFromPane, onMessageSend, PANE_COMMAND_ID, pendingPrompt } from "../outlook/send-guard.js";
import { loadSettings, saveSettings } from "../outlook/settings.js";
import { classicScript } from "../tools/build.mjs";
import { annDraftInOutlook, fakeComposeItem, fakeRoamingSettings } from "./fake-office.js";
import {
  CLEAN_ANSWER,
  CONFIRM_ANSWER,
  CONFIRMATION,
  HELD_ANSWER,
  recordingFetch,
  SERVER,
  SETTINGS,
  serverFetch,
} from "./fixtures.js";

const HEADER = "X-Mailwarden-Confirmation";
const REASON = "Mr Patel is the school's appointed advocate";

describe("Outlook: the wrong-recipient draft, confirmed in the review pane, then sent", () => {
  it("stops Send with the explanation and a Send anyway… button that opens the pane", async () => {
    const item = fakeComposeItem(annDraftInOutlook());
    const fetchFn = serverFetch(CONFIRM_ANSWER, CONFIRMATION);

    const completion = await onMessageSend({ item, fetchFn, settings: SETTINGS });

    assert.deepEqual(completion, {
      allowEvent: false,
      errorMessage:
        "1 recipient needs your confirmation.\nr.patel@gmail.com (Cc) needs your confirmation: Case AB/25/0093 and " +
        "'Ellie Marsh' have only been discussed with greenfield.sch.uk; r.patel@gmail.com has never written about them.",
      cancelLabel: "Send anyway\u2026",
      commandId: PANE_COMMAND_ID,
    });
    assert.ok(completion.cancelLabel.length <= 20, "Smart Alerts allow 20 characters");
    assert.deepEqual(fetchFn.calls[0].body, {
      from: "Ann Smith <ann.smith@example.police.uk>",
      to: ["Greenfield Safeguarding <safeguarding@greenfield.sch.uk>"],
      cc: ["r.patel@gmail.com"],
      bcc: [],
      subject: "Ellie Marsh - AB/25/0093",
      text: "Dear colleague,\n\nPlease find the strategy meeting notes attached.\n",
      html: "<p>Dear colleague,</p><p>Please find the strategy meeting notes attached.</p>",
      in_reply_to: "<CAF123@mail.gmail.com>",
      attachments: [{ filename: "notes.pdf", content_type: "application/pdf", content_base64: "JVBERi0xLjQK" }],
    });
  });

  it("confirms from the pane with the reason, sets the signed header, and lets the next Send go unasked", async () => {
    const item = fakeComposeItem(annDraftInOutlook());
    const fetchFn = serverFetch(CONFIRM_ANSWER, CONFIRMATION);
    await onMessageSend({ item, fetchFn, settings: SETTINGS });

    const prompt = await pendingPrompt(item);
    assert.equal(prompt.title, "1 recipient needs your confirmation.");
    assert.equal(prompt.reasonRequired, true);

    const confirmed = await confirmFromPane({ item, fetchFn, settings: SETTINGS, reason: REASON });
    assert.deepEqual(confirmed, { ok: true, message: "Confirmed. Press Send again to send the message." });
    assert.equal(item.headers.get(HEADER), CONFIRMATION.value);
    assert.deepEqual(fetchFn.calls[1].body, { check_id: CONFIRM_ANSWER.check_id, reason: REASON });

    const again = await onMessageSend({ item, fetchFn, settings: SETTINGS, now: Date.parse("2026-11-25T10:00:00Z") });
    assert.deepEqual(again, { allowEvent: true });
    assert.equal(fetchFn.calls.length, 2, "no second check for the draft as confirmed");
    assert.equal(item.headers.get(HEADER), CONFIRMATION.value, "the header goes out with the message");
  });

  it("checks a draft changed after confirming afresh, and removes the header that no longer fits", async () => {
    const item = fakeComposeItem(annDraftInOutlook());
    const fetchFn = serverFetch(CONFIRM_ANSWER, CONFIRMATION);
    await onMessageSend({ item, fetchFn, settings: SETTINGS });
    await confirmFromPane({ item, fetchFn, settings: SETTINGS, reason: REASON });

    item.edit((draft) => ({ cc: draft.cc.concat([{ displayName: "Jo", emailAddress: "jo@gmail.com" }]) }));
    const completion = await onMessageSend({ item, fetchFn, settings: SETTINGS, now: Date.parse("2026-11-25T10:00:00Z") });

    assert.equal(completion.allowEvent, false);
    assert.equal(item.headers.has(HEADER), false);
    assert.equal(fetchFn.calls.length, 3);
    assert.deepEqual(fetchFn.calls[2].body.cc, ["r.patel@gmail.com", "Jo <jo@gmail.com>"]);
  });

  it("does not reuse a confirmation past its expiry", async () => {
    const item = fakeComposeItem(annDraftInOutlook());
    const fetchFn = serverFetch(CONFIRM_ANSWER, CONFIRMATION);
    await onMessageSend({ item, fetchFn, settings: SETTINGS });
    await confirmFromPane({ item, fetchFn, settings: SETTINGS, reason: REASON });

    const completion = await onMessageSend({ item, fetchFn, settings: SETTINGS, now: Date.parse("2026-11-25T10:15:00Z") });
    assert.equal(completion.allowEvent, false);
    assert.equal(fetchFn.calls.length, 3);
  });

  it("refuses, in the pane, a draft that changed since the alert", async () => {
    const item = fakeComposeItem(annDraftInOutlook());
    const fetchFn = serverFetch(CONFIRM_ANSWER, CONFIRMATION);
    await onMessageSend({ item, fetchFn, settings: SETTINGS });
    item.edit(() => ({ subject: "Ellie Marsh - AB/25/0093 (updated)" }));

    const result = await confirmFromPane({ item, fetchFn, settings: SETTINGS, reason: REASON });
    assert.deepEqual(result, { ok: false, message: "The draft changed since it was checked: press Send to check it again." });
    assert.equal(fetchFn.calls.length, 1);
  });

  it("asks for a reason in the pane, and says so when the server will not confirm", async () => {
    const item = fakeComposeItem(annDraftInOutlook());
    await onMessageSend({ item, fetchFn: serverFetch(CONFIRM_ANSWER, CONFIRMATION), settings: SETTINGS });

    const empty = await confirmFromPane({ item, fetchFn: serverFetch(CONFIRM_ANSWER, CONFIRMATION), settings: SETTINGS, reason: "  " });
    assert.deepEqual(empty, { ok: false, message: "reason: a reason is needed to send anyway" });

    const expired = recordingFetch(() => new Response(JSON.stringify({ error: "unknown or expired check_id" }), { status: 404 }));
    const refused = await confirmFromPane({ item, fetchFn: expired, settings: SETTINGS, reason: REASON });
    assert.equal(refused.ok, false);
    assert.match(refused.message, /no longer knows this check/);
    assert.equal(item.headers.has(HEADER), false);
  });

  it("tells a pane opened before any Send that there is nothing to confirm", async () => {
    const item = fakeComposeItem(annDraftInOutlook());
    assert.equal(await pendingPrompt(item), null);
    const result = await confirmFromPane({ item, fetchFn: serverFetch(CONFIRM_ANSWER, CONFIRMATION), settings: SETTINGS, reason: REASON });
    assert.equal(result.ok, false);
    assert.match(result.message, /Press Send first/);
  });
});

describe("Outlook: a held draft, a clean one, and the server down", () => {
  it("holds with every explanation and no Send anyway button; the pane cannot push it through", async () => {
    const item = fakeComposeItem({
      to: [{ displayName: "J Doe", emailAddress: "j.doe@greenfie1d.sch.uk" }],
      cc: [{ displayName: "Duty Sergeant", emailAddress: "duty.sergeant@example.police.uk" }],
    });
    const fetchFn = serverFetch(HELD_ANSWER, CONFIRMATION);
    const completion = await onMessageSend({ item, fetchFn, settings: SETTINGS });

    assert.equal(completion.allowEvent, false);
    assert.equal(completion.commandId, undefined);
    assert.equal(completion.cancelLabel, undefined);
    assert.match(completion.errorMessage, /^1 recipient is held for review\.\nj\.doe@greenfie1d\.sch\.uk \(To\) will be held/);
    assert.match(completion.errorMessage, /victims\.xlsx holds 212 people's names/);

    const result = await confirmFromPane({ item, fetchFn, settings: SETTINGS, reason: "urgent" });
    assert.deepEqual(result, { ok: false, message: "Not sent: this message cannot be sent anyway." });
    assert.equal(fetchFn.calls.length, 1);
  });

  it("lets a clean draft go, removing a confirmation header saved with an earlier version", async () => {
    const item = fakeComposeItem({ to: [{ displayName: "", emailAddress: "colleague@example.police.uk" }], subject: "Lunch" });
    item.headers.set(HEADER, "v1.stale");
    const completion = await onMessageSend({ item, fetchFn: serverFetch(CLEAN_ANSWER, CONFIRMATION), settings: SETTINGS });

    assert.deepEqual(completion, { allowEvent: true });
    assert.equal(item.headers.has(HEADER), false);
  });

  it("lets the message go when the server is down, unless the deployment is fail-closed", async () => {
    const down = () =>
      recordingFetch(() => {
        throw new TypeError("fetch failed");
      });
    const item = fakeComposeItem(annDraftInOutlook());
    assert.deepEqual(await onMessageSend({ item, fetchFn: down(), settings: SETTINGS }), { allowEvent: true });

    const closed = await onMessageSend({ item, fetchFn: down(), settings: { ...SETTINGS, onFailure: "closed" } });
    assert.equal(closed.allowEvent, false);
    assert.match(closed.errorMessage, /could not be reached \(fetch failed\)\. Your organisation does not send unchecked mail/);
  });

  it("follows the same choice when Outlook will not give the draft", async () => {
    const item = fakeComposeItem(annDraftInOutlook(), { "to.getAsync": "The item is no longer available." });
    const fetchFn = serverFetch(CLEAN_ANSWER, CONFIRMATION);
    assert.deepEqual(await onMessageSend({ item, fetchFn, settings: SETTINGS }), { allowEvent: true });
    const closed = await onMessageSend({ item, fetchFn, settings: { ...SETTINGS, onFailure: "closed" } });
    assert.match(closed.errorMessage, /^Outlook could not give the add-in the draft \(to\.getAsync: The item is no longer available\.\)/);
    assert.equal(fetchFn.calls.length, 0);
  });

  it("keeps the alert within 500 characters and the pane's state within sessionData for 300 recipients", async () => {
    const many = {
      ...CONFIRM_ANSWER,
      summary: "300 recipients need your confirmation.",
      recipients: Array.from({ length: 300 }, (_, i) => ({
        address: `parent${i}@gmail.com`,
        field: "bcc",
        verdict: "confirm",
        reasons: [{ explanation: "has never written about case AB/25/0093 or 'Ellie Marsh', which this message names. ".repeat(2) }],
      })),
    };
    const item = fakeComposeItem({
      to: [],
      bcc: many.recipients.map((r) => ({ displayName: "", emailAddress: r.address })),
      subject: "Term dates",
    });
    const completion = await onMessageSend({ item, fetchFn: serverFetch(many, CONFIRMATION), settings: SETTINGS });

    assert.ok(completion.errorMessage.length <= 500);
    assert.equal(completion.commandId, PANE_COMMAND_ID);
    const prompt = await pendingPrompt(item);
    assert.equal(prompt.title, "300 recipients need your confirmation.");
    assert.ok(prompt.lines.length > 0 && prompt.lines.length < 300);
  });
});

describe("Outlook: reading the draft's attachments", () => {
  it("carries files as they are, attached mail as .eml and invitations as .ics, and skips cloud links", async () => {
    const item = fakeComposeItem({
      to: [{ displayName: "", emailAddress: "a@example.org" }],
      attachments: [
        { id: "1", name: "Referral.DOCX", size: 4, attachmentType: "file", format: "base64", content: "UEsDBA==" },
        { id: "2", name: "Re: Ellie", size: 30, attachmentType: "item", format: "eml", content: "Subject: Zoë\r\n\r\nHi" },
        { id: "3", name: "Meeting", size: 20, attachmentType: "item", format: "iCalendar", content: "BEGIN:VCALENDAR" },
        { id: "4", name: "Big.pdf", size: 0, attachmentType: "cloud", format: "url", content: "https://share.example/x" },
      ],
    });
    const draft = await readDraft(item, { maxRequestBytes: 1024 });

    assert.deepEqual(draft.attachments, [
      {
        filename: "Referral.DOCX",
        contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        contentBase64: "UEsDBA==",
      },
      { filename: "Re: Ellie.eml", contentType: "message/rfc822", contentBase64: Buffer.from("Subject: Zoë\r\n\r\nHi").toString("base64") },
      { filename: "Meeting.ics", contentType: "text/calendar", contentBase64: Buffer.from("BEGIN:VCALENDAR").toString("base64") },
    ]);
    assert.ok(!item.calls.includes("getAttachmentContentAsync(4)"));
  });

  it("refuses attachments over the limit before reading any of them", async () => {
    const item = fakeComposeItem({
      to: [{ displayName: "", emailAddress: "a@example.org" }],
      attachments: [{ id: "1", name: "scan.pdf", size: 30 * 1024 * 1024, attachmentType: "file", format: "base64", content: "" }],
    });
    await assert.rejects(readDraft(item, { maxRequestBytes: 25 * 1024 * 1024 }), { name: "DraftTooLargeError" });
    assert.ok(!item.calls.some((call) => call.startsWith("getAttachmentContentAsync")));
    assert.deepEqual(await onMessageSend({ item, fetchFn: serverFetch(CLEAN_ANSWER, CONFIRMATION), settings: SETTINGS }), {
      allowEvent: true,
    });
  });

  it("names content types from extensions, octet-stream otherwise", () => {
    assert.equal(typeFor("victims.XLSX"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert.equal(typeFor("notes"), "application/octet-stream");
    assert.equal(typeFor("archive.7z"), "application/octet-stream");
  });
});

describe("Outlook: settings", () => {
  it("takes the user's server URL and token from roaming settings when the deployment sets no URL", async () => {
    const roaming = fakeRoamingSettings();
    await saveSettings(roaming, { serverUrl: ` ${SERVER} `, token: " tok " });
    assert.deepEqual(roaming.stored.get("mailwarden"), { serverUrl: SERVER, token: "tok" });
    const settings = loadSettings(roaming);
    assert.equal(settings.serverUrl, SERVER);
    assert.equal(settings.token, "tok");
    assert.equal(settings.onFailure, "open");
  });
});

describe("Outlook: the classic Windows script", () => {
  it("runs without modules and registers a handler that completes the Send event", async () => {
    const associated = {};
    const item = fakeComposeItem(annDraftInOutlook());
    const fetchFn = serverFetch(CONFIRM_ANSWER, CONFIRMATION);
    const context = {
      Office: {
        actions: { associate: (name, handler) => (associated[name] = handler) },
        context: { mailbox: { item }, roamingSettings: fakeRoamingSettings({ mailwarden: { serverUrl: SERVER, token: "t" } }) },
      },
      fetch: fetchFn,
      URL,
      setTimeout,
      clearTimeout,
      AbortController,
      Response,
    };
    vm.runInNewContext(classicScript(), context, { filename: "launchevent.classic.js" });
    assert.deepEqual(Object.keys(associated), ["onMessageSendHandler"]);

    const completion = await new Promise((resolve) => associated.onMessageSendHandler({ completed: resolve }));
    assert.equal(completion.allowEvent, false);
    assert.equal(completion.commandId, PANE_COMMAND_ID);
    assert.equal(fetchFn.calls[0].headers.Authorization, "Bearer t");
  });

  it("has no import or export left in it", () => {
    const script = classicScript();
    assert.doesNotMatch(script, /^\s*(import|export)\b/m);
  });
});
