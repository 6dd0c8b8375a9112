// The Thunderbird MailExtension's Send: compose.onBeforeSend's details in, {cancel} or the
// confirmation header out; and the prompt window's round trip.
import { describe, it } from "node:test";
import assert from "node:assert/strict";

import { ANSWER, createPromptWindows, SHOW } from "../thunderbird/prompt-window.js";
import { createOnBeforeSend } from "../thunderbird/send-guard.js";
import { loadSettings } from "../thunderbird/settings.js";
import { CLEAN_ANSWER, CONFIRM_ANSWER, CONFIRMATION, HELD_ANSWER, recordingFetch, SERVER, serverFetch } from "./fixtures.js";

const HEADER = "X-Mailwarden-Confirmation";
const TAB = { id: 7, windowId: 3, type: "messageCompose" };

/** An event as Thunderbird's: addListener, and fire() for the test. */
function event() {
  const listeners = [];
  return {
    addListener: (listener) => listeners.push(listener),
    fire: (...args) => listeners.map((listener) => listener(...args)),
  };
}

/**
 * messenger as Thunderbird gives it to the background page, for what the add-in uses. Thunderbird
 * itself cannot run here; its behaviour is taken from its documented API.
 */
function fakeMessenger({ managed, local = {}, attachments = [], originals = {} } = {}) {
  const calls = [];
  return {
    calls,
    storage: {
      managed: { get: async () => (managed ? { ...managed } : Promise.reject(new Error("Managed storage manifest not found"))) },
      local: {
        get: async (keys) => Object.fromEntries(keys.filter((key) => key in local).map((key) => [key, local[key]])),
        set: async (values) => Object.assign(local, values),
      },
    },
    compose: {
      listAttachments: async (tabId) => {
        calls.push(`listAttachments(${tabId})`);
        return attachments.map(({ id, name, size }) => ({ id, name, size }));
      },
      getAttachmentFile: async (id) => {
        calls.push(`getAttachmentFile(${id})`);
        const found = attachments.find((attachment) => attachment.id === id);
        return new File([found.bytes], found.name, { type: found.type });
      },
    },
    messages: {
      getFull: async (id) => {
        if (!originals[id]) throw new Error(`Message not found: ${id}.`);
        return { headers: originals[id] };
      },
    },
    runtime: { onMessage: event() },
    windows: {
      onRemoved: event(),
      create: async (options) => {
        calls.push(`windows.create(${options.type}, ${options.url})`);
        return { id: 100 + calls.length };
      },
    },
  };
}

/** Ann's reply as compose.onBeforeSend gives it. */
function annDetails() {
  return {
    type: "reply",
    relatedMessageId: 42,
    from: "Ann Smith <ann.smith@example.police.uk>",
    to: ["Greenfield Safeguarding <safeguarding@greenfield.sch.uk>"],
    cc: ["r.patel@gmail.com"],
    bcc: [],
    subject: "Re: Ellie Marsh - AB/25/0093",
    isPlainText: false,
    body: "<p>Dear colleague,</p><p>The notes are attached.</p>",
    plainTextBody: "Dear colleague,\n\nThe notes are attached.",
    customHeaders: [{ name: "X-Case-Reference", value: "AB/25/0093" }],
  };
}

const ANN = {
  local: { serverUrl: SERVER, token: "tb-token" },
  attachments: [{ id: 11, name: "notes.pdf", size: 8, type: "application/pdf", bytes: Buffer.from("%PDF-1.4") }],
  originals: { 42: { "message-id": ["<CAF123@mail.gmail.com>"], references: ["<A1@greenfield.sch.uk>"] } },
};

function guard(messenger, fetchFn, choices = []) {
  const asked = [];
  const told = [];
  const onBeforeSend = createOnBeforeSend({
    messenger,
    fetchFn,
    ask: async (tab, prompt, problem) => {
      asked.push({ tab, prompt, problem });
      return choices.shift();
    },
    tell: async (tab, message) => told.push(message),
  });
  return { onBeforeSend, asked, told };
}

describe("Thunderbird: the wrong-recipient reply, sent anyway with a reason", () => {
  it("sends the draft with its thread and attachment, and the header with the message", async () => {
    const messenger = fakeMessenger(ANN);
    const fetchFn = serverFetch(CONFIRM_ANSWER, CONFIRMATION);
    const { onBeforeSend, asked } = guard(messenger, fetchFn, [{ action: "send_anyway", reason: "Mr Patel is the advocate" }]);

    const result = await onBeforeSend(TAB, annDetails());

    assert.deepEqual(result, {
      details: {
        customHeaders: [
          { name: "X-Case-Reference", value: "AB/25/0093" },
          { name: HEADER, value: CONFIRMATION.value },
        ],
      },
    });
    assert.equal(asked.length, 1);
    assert.equal(asked[0].tab, TAB);
    assert.equal(asked[0].prompt.title, "1 recipient needs your confirmation.");
    assert.deepEqual(fetchFn.calls[0].body, {
      from: "Ann Smith <ann.smith@example.police.uk>",
      to: ["Greenfield Safeguarding <safeguarding@greenfield.sch.uk>"],
      cc: ["r.patel@gmail.com"],
      bcc: [],
      subject: "Re: Ellie Marsh - AB/25/0093",
      text: "Dear colleague,\n\nThe notes are attached.",
      html: "<p>Dear colleague,</p><p>The notes are attached.</p>",
      in_reply_to: "<CAF123@mail.gmail.com>",
      references: ["<A1@greenfield.sch.uk>", "<CAF123@mail.gmail.com>"],
      attachments: [{ filename: "notes.pdf", content_type: "application/pdf", content_base64: "JVBERi0xLjQ=" }],
    });
    assert.equal(fetchFn.calls[0].headers.Authorization, "Bearer tb-token");
    assert.deepEqual(fetchFn.calls[1].body, { check_id: CONFIRM_ANSWER.check_id, reason: "Mr Patel is the advocate" });
  });

  it("cancels the send on Fix it, confirming nothing", async () => {
    const fetchFn = serverFetch(CONFIRM_ANSWER, CONFIRMATION);
    const { onBeforeSend, told } = guard(fakeMessenger(ANN), fetchFn, [{ action: "fix" }]);

    assert.deepEqual(await onBeforeSend(TAB, annDetails()), { cancel: true });
    assert.equal(fetchFn.calls.length, 1);
    assert.deepEqual(told, [], "the prompt already said why");
  });
});

describe("Thunderbird: held, clean, down", () => {
  it("cancels a held draft, with no Send anyway in its prompt", async () => {
    const fetchFn = serverFetch(HELD_ANSWER, CONFIRMATION);
    const { onBeforeSend, asked } = guard(fakeMessenger(ANN), fetchFn, [{ action: "send_anyway", reason: "urgent" }]);

    assert.deepEqual(await onBeforeSend(TAB, annDetails()), { cancel: true });
    assert.deepEqual(
      asked[0].prompt.actions.map((action) => action.id),
      ["fix"],
    );
    assert.equal(fetchFn.calls.length, 1);
  });

  it("lets a clean draft go untouched, but never with a confirmation left from an earlier Send", async () => {
    const { onBeforeSend, asked } = guard(fakeMessenger(ANN), serverFetch(CLEAN_ANSWER, CONFIRMATION));
    assert.deepEqual(await onBeforeSend(TAB, annDetails()), {});

    const stale = annDetails();
    stale.customHeaders.push({ name: "X-Mailwarden-Confirmation", value: "v1.stale" });
    assert.deepEqual(await onBeforeSend(TAB, stale), {
      details: { customHeaders: [{ name: "X-Case-Reference", value: "AB/25/0093" }] },
    });
    assert.equal(asked.length, 0);
  });

  it("lets the message go when the server is down; fail-closed cancels it and says why", async () => {
    const down = recordingFetch(() => {
      throw new TypeError("NetworkError when attempting to fetch resource.");
    });
    const open = guard(fakeMessenger(ANN), down);
    assert.deepEqual(await open.onBeforeSend(TAB, annDetails()), {});
    assert.deepEqual(open.told, []);

    const closed = guard(fakeMessenger({ ...ANN, managed: { onFailure: "closed" } }), down);
    assert.deepEqual(await closed.onBeforeSend(TAB, annDetails()), { cancel: true });
    assert.equal(closed.told.length, 1);
    assert.match(closed.told[0], /could not be reached \(NetworkError.*does not send unchecked mail/);
  });

  it("treats an address book entry it cannot read as a draft it cannot check", async () => {
    const details = { ...annDetails(), bcc: [{ id: "card-1", type: "contact" }] };
    const fetchFn = serverFetch(CLEAN_ANSWER, CONFIRMATION);
    const closed = guard(fakeMessenger({ ...ANN, managed: { onFailure: "closed" } }), fetchFn);

    assert.deepEqual(await closed.onBeforeSend(TAB, details), { cancel: true });
    assert.match(closed.told[0], /^bcc\[0\]: is an address book contact the add-in cannot read\./);
    assert.equal(fetchFn.calls.length, 0);
  });

  it("checks a plain-text draft without HTML, and a new message without thread headers", async () => {
    const fetchFn = serverFetch(CLEAN_ANSWER, CONFIRMATION);
    const { onBeforeSend } = guard(fakeMessenger({ local: ANN.local }), fetchFn);
    await onBeforeSend(TAB, {
      type: "new",
      to: ["colleague@example.police.uk"],
      subject: "Lunch",
      isPlainText: true,
      body: "<html><body>12:30?</body></html>",
      plainTextBody: "12:30?",
    });
    assert.deepEqual(fetchFn.calls[0].body, { to: ["colleague@example.police.uk"], cc: [], bcc: [], subject: "Lunch", text: "12:30?" });
  });
});

describe("Thunderbird: settings", () => {
  it("lets the administrator's server and failure choice win, and fills in the user's token", async () => {
    const messenger = fakeMessenger({
      managed: { serverUrl: "https://mw.example.org", onFailure: "closed" },
      local: { serverUrl: "https://elsewhere.example.org", token: "mine" },
    });
    assert.deepEqual(await loadSettings(messenger.storage), {
      serverUrl: "https://mw.example.org",
      onFailure: "closed",
      token: "mine",
    });
  });

  it("uses the user's settings where no policy exists, and lets an unconfigured add-in fail open", async () => {
    assert.deepEqual(await loadSettings(fakeMessenger({ local: { token: "t" } }).storage), { token: "t" });
    const fetchFn = serverFetch(CLEAN_ANSWER, CONFIRMATION);
    const { onBeforeSend } = guard(fakeMessenger(), fetchFn);
    assert.deepEqual(await onBeforeSend(TAB, annDetails()), {});
    assert.equal(fetchFn.calls.length, 0);
  });
});

describe("Thunderbird: the prompt window", () => {
  it("opens a popup that fetches its prompt and answers the waiting Send", async () => {
    const messenger = fakeMessenger();
    const windows = createPromptWindows(messenger);
    const prompt = { title: "1 recipient needs your confirmation.", lines: [], actions: [], reasonRequired: true };

    const answered = windows.ask(TAB, prompt, null);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(messenger.calls, ["windows.create(popup, prompt.html?id=1)"]);

    const [shown] = await Promise.all(messenger.runtime.onMessage.fire({ type: SHOW, id: 1 }));
    assert.deepEqual(shown, { prompt, problem: null, message: undefined });
    await Promise.all(messenger.runtime.onMessage.fire({ type: ANSWER, id: 1, choice: { action: "send_anyway", reason: "ok" } }));
    assert.deepEqual(await answered, { action: "send_anyway", reason: "ok" });
  });

  it("takes a closed window as Fix it, and ignores messages that are not its own", async () => {
    const messenger = fakeMessenger();
    const windows = createPromptWindows(messenger);
    const answered = windows.ask(TAB, { title: "t", lines: [], actions: [] }, null);
    await new Promise((resolve) => setTimeout(resolve, 0));

    assert.deepEqual(messenger.runtime.onMessage.fire({ type: "something-else" }), [undefined]);
    messenger.windows.onRemoved.fire(999);
    messenger.windows.onRemoved.fire(101);
    assert.deepEqual(await answered, { action: "fix" });
  });

  it("shows a message alone for tell, and settles when it is dismissed", async () => {
    const messenger = fakeMessenger();
    const windows = createPromptWindows(messenger);
    const told = windows.tell(TAB, "Not sent.");
    await new Promise((resolve) => setTimeout(resolve, 0));
    const [shown] = await Promise.all(messenger.runtime.onMessage.fire({ type: SHOW, id: 1 }));
    assert.equal(shown.message, "Not sent.");
    await Promise.all(messenger.runtime.onMessage.fire({ type: ANSWER, id: 1, choice: { action: "fix" } }));
    assert.equal(await told, undefined);
  });
});
