// The shared module's promises, scenario first: what an add-in does on Send, then the edges.
import { describe, it } from "node:test";
import assert from "node:assert/strict";

import {
  base64FromBytes,
  buildCheckRequest,
  checkDraft,
  confirmDraft,
  decision,
  DraftError,
  DraftTooLargeError,
  draftKey,
  formatAddress,
  guardSend,
  HttpError,
  normalizeSettings,
  onServerFailure,
  promptFor,
  promptText,
  ServerError,
  SettingsError,
  UnreachableError,
  utf8Bytes,
  utf8Length,
} from "../shared/mailwarden.js";
import {
  CLEAN_ANSWER,
  cleanDraft,
  CONFIRM_ANSWER,
  CONFIRMATION,
  HELD_ANSWER,
  json,
  recordingFetch,
  SERVER,
  SETTINGS,
  serverFetch,
  TOKEN,
  wrongRecipientDraft,
} from "./fixtures.js";

describe("the wrong-recipient draft: confirm with a reason, then send with the header", () => {
  it("sends the draft as the JSON body docs/api.md describes, with the Bearer token", async () => {
    const fetchFn = serverFetch(CONFIRM_ANSWER, CONFIRMATION);
    await checkDraft(fetchFn, SETTINGS, wrongRecipientDraft());

    assert.equal(fetchFn.calls.length, 1);
    const call = fetchFn.calls[0];
    assert.equal(call.url, SERVER + "/v1/check");
    assert.equal(call.method, "POST");
    assert.equal(call.headers.Authorization, "Bearer " + TOKEN);
    assert.equal(call.headers["Content-Type"], "application/json");
    assert.deepEqual(call.body, {
      from: "Ann Smith <ann.smith@example.police.uk>",
      to: ["Greenfield Safeguarding <safeguarding@greenfield.sch.uk>"],
      cc: ["r.patel@gmail.com"],
      bcc: [],
      subject: "Ellie Marsh - AB/25/0093",
      text: "Dear colleague,\n\nPlease find the strategy meeting notes for Ellie Marsh attached.\n",
      html: "<p>Dear colleague,</p><p>Please find the strategy meeting notes for Ellie Marsh attached.</p>",
      in_reply_to: "<CAF123@mail.gmail.com>",
      references: ["<CAF123@mail.gmail.com>"],
      attachments: [
        { filename: "notes.txt", content_type: "text/plain", content_base64: "U3RyYXRlZ3kgbWVldGluZw==" },
      ],
    });
  });

  it("prompts with the summary, the Cc recipient's explanation, Fix it and Send anyway", () => {
    const prompt = promptFor(CONFIRM_ANSWER);

    assert.equal(prompt.title, "1 recipient needs your confirmation.");
    assert.equal(prompt.checkId, "c_4f1e9a0b7d2c4e5f");
    assert.deepEqual(prompt.lines, [
      "r.patel@gmail.com (Cc) needs your confirmation: Case AB/25/0093 and 'Ellie Marsh' have only " +
        "been discussed with greenfield.sch.uk; r.patel@gmail.com has never written about them.",
    ]);
    assert.deepEqual(
      prompt.actions.map((action) => action.label),
      ["Fix it", "Send anyway"],
    );
    assert.equal(prompt.reasonRequired, true);
  });

  it("confirms with the reason and lets the message go with the signed header", async () => {
    const fetchFn = serverFetch(CONFIRM_ANSWER, CONFIRMATION);
    const asked = [];
    const result = await guardSend({
      fetchFn,
      settings: SETTINGS,
      draft: wrongRecipientDraft(),
      ask: async (prompt, problem) => {
        asked.push({ prompt, problem });
        return { action: "send_anyway", reason: "  Mr Patel is the school's appointed advocate " };
      },
    });

    assert.equal(asked.length, 1);
    assert.equal(asked[0].problem, null);
    assert.deepEqual(result, {
      allow: true,
      verdict: "confirm",
      header: {
        name: "X-Mailwarden-Confirmation",
        value: CONFIRMATION.value,
        expires: "2026-11-25T10:15:00Z",
      },
    });
    assert.deepEqual(
      fetchFn.calls.map((call) => call.url),
      [SERVER + "/v1/check", SERVER + "/v1/confirm"],
    );
    assert.deepEqual(fetchFn.calls[1].body, {
      check_id: "c_4f1e9a0b7d2c4e5f",
      reason: "Mr Patel is the school's appointed advocate",
    });
    assert.equal(fetchFn.calls[1].headers.Authorization, "Bearer " + TOKEN);
  });

  it("Fix it blocks the send and confirms nothing", async () => {
    const fetchFn = serverFetch(CONFIRM_ANSWER, CONFIRMATION);
    const result = await guardSend({
      fetchFn,
      settings: SETTINGS,
      draft: wrongRecipientDraft(),
      ask: async () => ({ action: "fix" }),
    });

    assert.equal(result.allow, false);
    assert.match(result.message, /change the draft/);
    assert.equal(fetchFn.calls.length, 1);
  });

  it("asks again, saying why, when Send anyway comes without a reason", async () => {
    const fetchFn = serverFetch(CONFIRM_ANSWER, CONFIRMATION);
    const problems = [];
    const choices = [{ action: "send_anyway", reason: "   " }, { action: "send_anyway", reason: "Agreed by DS Jones" }];
    const result = await guardSend({
      fetchFn,
      settings: SETTINGS,
      draft: wrongRecipientDraft(),
      ask: async (_prompt, problem) => {
        problems.push(problem);
        return choices.shift();
      },
    });

    assert.deepEqual(problems, [null, "reason: a reason is needed to send anyway"]);
    assert.equal(result.allow, true);
    assert.equal(fetchFn.calls[1].body.reason, "Agreed by DS Jones");
  });

  it("asks again with the server's words when the confirmation is refused", async () => {
    const fetchFn = serverFetch(CONFIRM_ANSWER, json(404, { error: "unknown or expired check_id" }));
    const problems = [];
    const result = await guardSend({
      fetchFn,
      settings: SETTINGS,
      draft: wrongRecipientDraft(),
      ask: async (_prompt, problem) => {
        problems.push(problem);
        return problem ? { action: "fix" } : { action: "send_anyway", reason: "Agreed" };
      },
    });

    assert.equal(result.allow, false);
    assert.equal(problems.length, 2);
    assert.match(problems[1], /no longer knows this check.*Unknown or expired check_id\./);
  });
});

describe("a held draft cannot be sent anyway", () => {
  it("offers Fix it only, with every explanation on the recipient's line", () => {
    const prompt = promptFor(HELD_ANSWER);

    assert.equal(prompt.title, "1 recipient is held for review.");
    assert.deepEqual(
      prompt.actions.map((action) => action.id),
      ["fix"],
    );
    assert.equal(prompt.reasonRequired, false);
    assert.deepEqual(prompt.lines, [
      "j.doe@greenfie1d.sch.uk (To) will be held for review: greenfie1d.sch.uk looks like " +
        "greenfield.sch.uk, which you write to often. victims.xlsx holds 212 people's names and dates of birth.",
      "duty.sergeant@example.police.uk (Cc) needs your confirmation.",
    ]);
  });

  it("blocks a Send anyway that a client tries regardless, and never calls /v1/confirm", async () => {
    assert.equal(decision(HELD_ANSWER, { action: "send_anyway", reason: "urgent" }).outcome, "block");
    const fetchFn = serverFetch(HELD_ANSWER, CONFIRMATION);
    const result = await guardSend({
      fetchFn,
      settings: SETTINGS,
      draft: { to: ["j.doe@greenfie1d.sch.uk"], cc: ["duty.sergeant@example.police.uk"] },
      ask: async () => ({ action: "send_anyway", reason: "urgent" }),
    });

    assert.equal(result.allow, false);
    assert.match(result.message, /cannot be sent anyway/);
    assert.deepEqual(
      fetchFn.calls.map((call) => call.url),
      [SERVER + "/v1/check"],
    );
  });

  it("treats a confirm verdict the server does not let through as a block", () => {
    const odd = Object.assign({}, CONFIRM_ANSWER, { send_anyway_allowed: false });
    assert.deepEqual(
      promptFor(odd).actions.map((action) => action.id),
      ["fix"],
    );
    assert.equal(decision(odd, { action: "send_anyway", reason: "ok" }).outcome, "block");
  });
});

describe("a clean draft", () => {
  it("goes without a prompt", async () => {
    const fetchFn = serverFetch(CLEAN_ANSWER, CONFIRMATION);
    let asked = false;
    const result = await guardSend({
      fetchFn,
      settings: SETTINGS,
      draft: cleanDraft(),
      ask: async () => {
        asked = true;
      },
    });

    assert.deepEqual(result, { allow: true, verdict: "deliver" });
    assert.equal(asked, false);
    assert.equal(promptFor(CLEAN_ANSWER), null);
    assert.deepEqual(decision(CLEAN_ANSWER, null), { outcome: "allow" });
  });

  it("leaves the optional fields it does not have out of the body", () => {
    assert.deepEqual(buildCheckRequest(cleanDraft()).body, {
      to: ["colleague@example.police.uk"],
      cc: [],
      bcc: [],
      subject: "Lunch",
      text: "12:30 at the usual place?",
    });
  });
});

describe("the server down: the deployment's choice, open by default", () => {
  const down = () =>
    recordingFetch(() => {
      throw new TypeError("fetch failed");
    });

  it("lets the message go by default, saying the gateway still checks it", async () => {
    const result = await guardSend({
      fetchFn: down(),
      settings: SETTINGS,
      draft: cleanDraft(),
      ask: async () => assert.fail("nothing to ask"),
    });

    assert.equal(result.allow, true);
    assert.match(result.message, /could not be reached \(fetch failed\).*gateway will still check it/);
  });

  it("blocks it where the deployment is fail-closed", async () => {
    const settings = Object.assign({}, SETTINGS, { onFailure: "closed" });
    const result = await guardSend({ fetchFn: down(), settings, draft: cleanDraft(), ask: async () => {} });

    assert.equal(result.allow, false);
    assert.match(result.message, /does not send unchecked mail/);
  });

  it("gives up after timeoutMs, aborting the request", async () => {
    let aborted = false;
    const hanging = recordingFetch(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          init.signal.addEventListener("abort", () => {
            aborted = true;
            reject(new DOMException("aborted", "AbortError"));
          });
        }),
    );
    const started = Date.now();
    await assert.rejects(
      checkDraft(hanging, Object.assign({}, SETTINGS, { timeoutMs: 50 }), cleanDraft()),
      (error) => error instanceof UnreachableError && error.timedOut === true,
    );
    assert.ok(aborted, "the request was aborted");
    assert.ok(Date.now() - started < 1000, "it gave up at the time limit");
  });

  it("gives up after timeoutMs even on a fetch that ignores the abort", async () => {
    const deaf = recordingFetch(() => new Promise(() => {}));
    await assert.rejects(
      checkDraft(deaf, Object.assign({}, SETTINGS, { timeoutMs: 30 }), cleanDraft()),
      (error) => error instanceof UnreachableError && error.timedOut,
    );
  });

  it("counts a slow body as a timeout too", async () => {
    const slowBody = recordingFetch(() => ({ ok: true, status: 200, text: () => new Promise(() => {}) }));
    await assert.rejects(
      checkDraft(slowBody, Object.assign({}, SETTINGS, { timeoutMs: 30 }), cleanDraft()),
      (error) => error instanceof UnreachableError && error.timedOut,
    );
  });

  it("follows the same choice when the add-in has no server URL", async () => {
    const fetchFn = serverFetch(CLEAN_ANSWER, CONFIRMATION);
    const result = await guardSend({ fetchFn, settings: {}, draft: cleanDraft(), ask: async () => {} });

    assert.equal(result.allow, true);
    assert.match(result.message, /No mailwarden server URL is set/);
    assert.equal(fetchFn.calls.length, 0);
  });
});

describe("the server's error answers become plain messages", () => {
  it("401: the token refused, with the server's words", async () => {
    const fetchFn = recordingFetch(() => json(401, { error: "token revoked" }));
    await assert.rejects(checkDraft(fetchFn, SETTINGS, cleanDraft()), (error) => {
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, 401);
      assert.equal(error.message, "The mailwarden server refused the add-in's token (missing or revoked). Token revoked.");
      return true;
    });
  });

  it("401 follows the failure choice: sent unchecked by default, with the reason", () => {
    const result = onServerFailure(SETTINGS, new HttpError(401, "The mailwarden server refused the add-in's token."));
    assert.equal(result.allow, true);
    assert.match(result.message, /^The mailwarden server refused the add-in's token\. It was sent unchecked/);
  });

  it("413 from the server says the draft is over its limit", async () => {
    const fetchFn = recordingFetch(() => json(413, { error: "the draft is over 10 MB" }));
    await assert.rejects(
      checkDraft(fetchFn, SETTINGS, cleanDraft()),
      (error) => error.status === 413 && /over the mailwarden server's size limit\. The draft is over 10 MB\./.test(error.message),
    );
  });

  it("413 is foreseen: a draft over maxRequestBytes is never sent", async () => {
    const fetchFn = serverFetch(CLEAN_ANSWER, CONFIRMATION);
    const draft = cleanDraft();
    draft.attachments = [
      { filename: "scan.pdf", contentType: "application/pdf", contentBase64: base64FromBytes(new Uint8Array(3000)) },
    ];
    const settings = Object.assign({}, SETTINGS, { maxRequestBytes: 2048 });

    await assert.rejects(checkDraft(fetchFn, settings, draft), (error) => {
      assert.ok(error instanceof DraftTooLargeError);
      assert.ok(error.bytes > 4000);
      assert.equal(error.limit, 2048);
      assert.match(error.message, /the draft is 4\.\d KB, over the 2\.0 KB mailwarden can check/);
      return true;
    });
    assert.equal(fetchFn.calls.length, 0);
    const result = await guardSend({ fetchFn, settings, draft, ask: async () => {} });
    assert.equal(result.allow, true);
    assert.match(result.message, /over the 2\.0 KB.*gateway will still check it/);
  });

  it("a status without a JSON body still gets plain words", async () => {
    const fetchFn = recordingFetch(() => new Response("<html>Bad Gateway</html>", { status: 502 }));
    await assert.rejects(checkDraft(fetchFn, SETTINGS, cleanDraft()), {
      name: "HttpError",
      message: "The mailwarden server failed (502).",
    });
  });

  it("a 200 that is not a check result is a server error, not a verdict", async () => {
    for (const body of ["<html>portal login</html>", JSON.stringify({ verdict: "maybe", check_id: "c", recipients: [] })]) {
      const fetchFn = recordingFetch(() => new Response(body, { status: 200 }));
      await assert.rejects(checkDraft(fetchFn, SETTINGS, cleanDraft()), ServerError);
    }
  });

  it("confirm: an empty reason is refused before any request", async () => {
    const fetchFn = serverFetch(CONFIRM_ANSWER, CONFIRMATION);
    await assert.rejects(confirmDraft(fetchFn, SETTINGS, "c_4f1e9a0b7d2c4e5f", " \n"), {
      name: "DraftError",
      field: "reason",
    });
    assert.equal(fetchFn.calls.length, 0);
  });

  it("confirm: takes the server's header name only when it is an X- header", async () => {
    const custom = serverFetch(CONFIRM_ANSWER, { ...CONFIRMATION, header: "X-Mailwarden-Confirmation-V2" });
    assert.equal((await confirmDraft(custom, SETTINGS, "c_1", "ok")).name, "X-Mailwarden-Confirmation-V2");
    const hostile = serverFetch(CONFIRM_ANSWER, { ...CONFIRMATION, header: "Bcc" });
    assert.equal((await confirmDraft(hostile, SETTINGS, "c_1", "ok")).name, "X-Mailwarden-Confirmation");
  });

  it("confirm: 409 for a check that was not a confirm", async () => {
    const fetchFn = recordingFetch(() => json(409, { error: "the check was held, not confirm" }));
    await assert.rejects(confirmDraft(fetchFn, SETTINGS, "c_9a8b7c6d5e4f3a2b", "urgent"), (error) => {
      return error.status === 409 && /cannot be confirmed\. The check was held, not confirm\./.test(error.message);
    });
  });
});

describe("edges of the draft", () => {
  it("quotes display names with commas and quotes, and passes typed addresses through whole", () => {
    const { body } = buildCheckRequest({
      to: [{ name: 'Smith, Ann "Annie"', address: "ann.smith@example.police.uk" }],
      cc: ['"Patel, Raj" <r.patel@gmail.com>', { name: "back\\slash", address: "b@example.org" }],
      bcc: [{ name: "o'Brien", address: "obrien@example.org" }, { name: "x@example.org", address: "x@example.org" }],
    });

    assert.deepEqual(body.to, ['"Smith, Ann \\"Annie\\"" <ann.smith@example.police.uk>']);
    assert.deepEqual(body.cc, ['"Patel, Raj" <r.patel@gmail.com>', '"back\\\\slash" <b@example.org>']);
    assert.deepEqual(body.bcc, ["o'Brien <obrien@example.org>", "x@example.org"]);
  });

  it("keeps non-ASCII names and subjects as they are, and counts their bytes in UTF-8", () => {
    const { body, bytes, json: text } = buildCheckRequest({
      to: [{ name: "Zoë Müller-Łukasik", address: "zoe@example.de" }],
      subject: "Überweisung – Fall 7 📎",
    });

    assert.equal(body.to[0], "Zoë Müller-Łukasik <zoe@example.de>");
    assert.equal(body.subject, "Überweisung – Fall 7 📎");
    assert.equal(bytes, Buffer.byteLength(text, "utf8"));
    assert.ok(bytes > text.length);
  });

  it("needs a recipient somewhere, but To may be empty beside Bcc", () => {
    assert.throws(() => buildCheckRequest({ to: [], cc: [], bcc: [], subject: "x" }), {
      name: "DraftError",
      field: "to",
      message: "to: the draft has no recipients",
    });
    assert.throws(() => buildCheckRequest({ subject: "x" }), { field: "to" });
    assert.deepEqual(buildCheckRequest({ to: [], bcc: ["list@example.org"] }).body.to, []);
  });

  it("names the field at fault", () => {
    const cases = [
      [null, "draft"],
      [{ to: ["a@example.org", "  "] }, "to[1]"],
      [{ to: ["a@example.org"], cc: [42] }, "cc[0]"],
      [{ to: ["a@example.org"], subject: 7 }, "subject"],
      [{ to: ["a@example.org"], references: [""] }, "references[0]"],
      [{ to: ["a@example.org"], attachments: [{ contentBase64: "" }] }, "attachments[0].filename"],
      [{ to: ["a@example.org"], attachments: [{ filename: "a.pdf", contentBase64: "not base64!" }] }, "attachments[0].contentBase64"],
      [{ to: ["a@example.org"], attachments: [{ filename: "a.pdf", contentBase64: "QUJD=" }] }, "attachments[0].contentBase64"],
    ];
    for (const [draft, field] of cases) {
      assert.throws(() => buildCheckRequest(draft), (error) => error instanceof DraftError && error.field === field, field);
    }
  });

  it("accepts References as the header's space-separated text", () => {
    const { body } = buildCheckRequest({ to: ["a@example.org"], references: " <a@x> \r\n <b@y>" });
    assert.deepEqual(body.references, ["<a@x>", "<b@y>"]);
  });

  it("carries a 3 MB attachment exactly, and stops at the limit to the byte", () => {
    const bytes = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 7919) & 255;
    const draft = {
      to: ["a@example.org"],
      attachments: [{ filename: "scan.pdf", contentType: "application/pdf", contentBase64: base64FromBytes(bytes) }],
    };
    const request = buildCheckRequest(draft);
    assert.equal(request.body.attachments[0].content_base64, Buffer.from(bytes).toString("base64"));

    assert.equal(buildCheckRequest(draft, { maxRequestBytes: request.bytes }).bytes, request.bytes);
    assert.throws(() => buildCheckRequest(draft, { maxRequestBytes: request.bytes - 1 }), DraftTooLargeError);
  });

  it("encodes base64 as Buffer does, for every tail length", () => {
    for (let length = 0; length < 8; length += 1) {
      const bytes = Uint8Array.from({ length }, (_, i) => 250 - i * 37);
      assert.equal(base64FromBytes(bytes), Buffer.from(bytes).toString("base64"));
      assert.equal(base64FromBytes(bytes.buffer), Buffer.from(bytes).toString("base64"));
    }
  });

  it("counts UTF-8 bytes as Buffer does, lone surrogates included", () => {
    for (const text of ["", "abc", "é", "€", "😀", "a\ud800b", "\udc00", "x\ud83d"]) {
      assert.equal(utf8Length(text), Buffer.byteLength(text, "utf8"), JSON.stringify(text));
    }
  });

  it("tells a changed draft by its key", () => {
    const one = buildCheckRequest(wrongRecipientDraft()).json;
    const draft = wrongRecipientDraft();
    draft.cc.push("another@gmail.com");
    assert.equal(draftKey(one), draftKey(buildCheckRequest(wrongRecipientDraft()).json));
    assert.notEqual(draftKey(one), draftKey(buildCheckRequest(draft).json));
  });

  it("formats an address object without a name as the bare address", () => {
    assert.equal(formatAddress({ name: "", address: "a@example.org" }, "to"), "a@example.org");
    assert.throws(() => formatAddress({ name: "A" }, "to[0]"), { field: "to[0]" });
  });
});

describe("settings", () => {
  it("wants https, except on loopback, and joins paths under a prefix", async () => {
    assert.throws(() => normalizeSettings({ serverUrl: "http://mailwarden.example.org" }), SettingsError);
    assert.throws(() => normalizeSettings({ serverUrl: "not a url" }), SettingsError);
    assert.equal(normalizeSettings({ serverUrl: "http://127.0.0.1:8025" }).serverUrl, "http://127.0.0.1:8025/");

    const fetchFn = serverFetch(CLEAN_ANSWER, CONFIRMATION);
    await checkDraft(fetchFn, { serverUrl: "https://gw.example.org/mailwarden" }, cleanDraft());
    assert.equal(fetchFn.calls[0].url, "https://gw.example.org/mailwarden/v1/check");
    assert.equal(fetchFn.calls[0].headers.Authorization, undefined, "no token, no header");
  });

  it("fills defaults and refuses nonsense", () => {
    const settings = normalizeSettings({ serverUrl: SERVER, token: " t " });
    assert.deepEqual(
      { ...settings },
      { serverUrl: SERVER + "/", token: "t", timeoutMs: 10000, maxRequestBytes: 25 * 1024 * 1024, onFailure: "open" },
    );
    assert.throws(() => normalizeSettings({ serverUrl: SERVER, onFailure: "ask" }), /"open" or "closed"/);
    assert.throws(() => normalizeSettings({ serverUrl: SERVER, timeoutMs: -1 }), /timeoutMs/);
  });
});

describe("the prompt as text, for a client that shows only a short message", () => {
  it("fits Outlook's 500 characters, whole lines first", () => {
    const many = Object.assign({}, CONFIRM_ANSWER, {
      summary: "12 recipients need your confirmation.",
      recipients: Array.from({ length: 12 }, (_, i) => ({
        address: `person${i}@gmail.com`,
        field: "bcc",
        verdict: "confirm",
        reasons: [{ explanation: "has never written about case AB/25/0093, which this message names." }],
      })),
    });
    const text = promptText(promptFor(many), 500);

    assert.ok(text.length <= 500);
    assert.match(text, /^12 recipients need your confirmation\.\nperson0@gmail\.com \(Bcc\)/);
    assert.ok(text.endsWith("which this message names."), "no line is cut in half");
  });

  it("cuts a single over-long title with an ellipsis", () => {
    const text = promptText({ title: "x".repeat(600), lines: [] }, 500);
    assert.equal(text.length, 500);
    assert.ok(text.endsWith("\u2026"));
  });
});

describe("UTF-8 without an encoder", () => {
  it("encodes as Buffer does, lone surrogates as U+FFFD", () => {
    for (const text of ["", "plain", "Zoë – Łódź", "📎 attached", "a\ud800b", "\udc00", "x\ud83d"]) {
      assert.deepEqual(Buffer.from(utf8Bytes(text)), Buffer.from(text, "utf8"), JSON.stringify(text));
    }
  });
});
