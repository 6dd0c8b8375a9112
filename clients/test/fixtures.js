// Drafts and server answers the tests share, named for their scenario; the answers are shaped as
// docs/api.md shows them.

export const SERVER = "https://mailwarden.example.police.uk";
export const TOKEN = "mw_live_4c1d9a";
export const SETTINGS = Object.freeze({ serverUrl: SERVER, token: TOKEN, timeoutMs: 2000 });

/** Ann writes to the school about a case, and autocomplete put a private Gmail address in Cc. */
export function wrongRecipientDraft() {
  return {
    from: { name: "Ann Smith", address: "ann.smith@example.police.uk" },
    to: [{ name: "Greenfield Safeguarding", address: "safeguarding@greenfield.sch.uk" }],
    cc: ["r.patel@gmail.com"],
    bcc: [],
    subject: "Ellie Marsh - AB/25/0093",
    text: "Dear colleague,\n\nPlease find the strategy meeting notes for Ellie Marsh attached.\n",
    html: "<p>Dear colleague,</p><p>Please find the strategy meeting notes for Ellie Marsh attached.</p>",
    inReplyTo: "<CAF123@mail.gmail.com>",
    references: ["<CAF123@mail.gmail.com>"],
    attachments: [
      { filename: "notes.txt", contentType: "text/plain", contentBase64: "U3RyYXRlZ3kgbWVldGluZw==" },
    ],
  };
}

export const CONFIRM_ANSWER = Object.freeze({
  check_id: "c_4f1e9a0b7d2c4e5f",
  verdict: "confirm",
  send_anyway_allowed: true,
  summary: "1 recipient needs your confirmation.",
  recipients: [
    { address: "safeguarding@greenfield.sch.uk", field: "to", verdict: "deliver", reasons: [] },
    {
      address: "r.patel@gmail.com",
      field: "cc",
      verdict: "confirm",
      decided_by: 'policy.toml:31 [actions.unrelated_recipient] new = "confirm"',
      reasons: [
        {
          rule: "unrelated_recipient",
          action: "confirm",
          explanation:
            "Case AB/25/0093 and 'Ellie Marsh' have only been discussed with greenfield.sch.uk; " +
            "r.patel@gmail.com has never written about them.",
        },
      ],
    },
  ],
  findings: [
    {
      type: "PERSON",
      text: "Ellie Marsh",
      location: "body",
      position: "",
      score: 0.85,
      explanation: "a person's name",
      category: "person",
    },
  ],
});

export const CONFIRMATION = Object.freeze({
  header: "X-Mailwarden-Confirmation",
  value: "v1.eyJjIjoiY180ZjFlOWEwYjdkMmM0ZTVmIn0.sig",
  expires: "2026-11-25T10:15:00Z",
});

/** A spreadsheet of victims' details to a look-alike domain: held, and a hold cannot be pushed. */
export const HELD_ANSWER = Object.freeze({
  check_id: "c_9a8b7c6d5e4f3a2b",
  verdict: "hold",
  send_anyway_allowed: false,
  summary: "1 recipient is held for review.",
  recipients: [
    {
      address: "j.doe@greenfie1d.sch.uk",
      field: "to",
      verdict: "hold",
      reasons: [
        {
          rule: "lookalike_address",
          action: "hold",
          explanation: "greenfie1d.sch.uk looks like greenfield.sch.uk, which you write to often.",
        },
        {
          rule: "bulk_personal_data",
          action: "hold",
          explanation: "victims.xlsx holds 212 people's names and dates of birth.",
        },
      ],
    },
    { address: "duty.sergeant@example.police.uk", field: "cc", verdict: "confirm", reasons: [] },
  ],
  findings: [],
});

export const CLEAN_ANSWER = Object.freeze({
  check_id: "c_0000aaaa1111bbbb",
  verdict: "deliver",
  send_anyway_allowed: true,
  summary: "Nothing to check.",
  recipients: [
    { address: "colleague@example.police.uk", field: "to", verdict: "deliver", reasons: [] },
  ],
  findings: [],
});

export function cleanDraft() {
  return { to: ["colleague@example.police.uk"], subject: "Lunch", text: "12:30 at the usual place?" };
}

/**
 * A fetch that answers from `answer(url, init)` (a Response, or a thrown error) and records every
 * call as {url, method, headers, body} with the body parsed from JSON.
 */
export function recordingFetch(answer) {
  const calls = [];
  const fetchFn = async function (url, init) {
    calls.push({
      url: String(url),
      method: init.method,
      headers: Object.assign({}, init.headers),
      body: JSON.parse(init.body),
      signal: init.signal,
    });
    return answer(String(url), init);
  };
  fetchFn.calls = calls;
  return fetchFn;
}

/** A fetch for a server that answers /v1/check with `check` and /v1/confirm with `confirm`. */
export function serverFetch(check, confirm) {
  return recordingFetch(function (url) {
    if (url.endsWith("/v1/check")) return json(200, check);
    if (url.endsWith("/v1/confirm")) return confirm instanceof Response ? confirm : json(200, confirm);
    return json(404, { error: "no such path" });
  });
}

export function json(status, body) {
  return new Response(JSON.stringify(body), {
    status: status,
    headers: { "Content-Type": "application/json" },
  });
}
