// mailwarden's pre-send check, as the mail-client add-ins share it (contract: docs/api.md).
//
// One ES module with no imports and no framework: the Outlook add-in loads it in its browser
// runtime (and, concatenated by tools/build.mjs, in classic Outlook's JavaScript-only runtime),
// the Thunderbird MailExtension in its background page, and node's test runner directly. It
// touches no DOM and no platform API: fetch is passed in, and the add-ins turn their drafts
// into the neutral draft below.
//
// The flow on Send:  draft ─buildCheckRequest─▶ POST /v1/check ─promptFor─▶ the user ─decision─▶
//   allow | block | POST /v1/confirm then allow with the confirmation header.
// guardSend() runs it all for an add-in that can ask the user within one Send (Thunderbird).
//
// Errors, drawn at their top:
//   MailwardenError
//   ├── SettingsError          the add-in is not configured usably (no server URL, plain http)
//   ├── DraftError             the draft cannot be sent for checking; says which field
//   │   └── DraftTooLargeError over settings.maxRequestBytes (the server would answer 413)
//   └── ServerError            the check could not be made, or its answer was not one
//       ├── UnreachableError   network failure, or no answer within settings.timeoutMs
//       └── HttpError          an error status; message from the server's {"error": ...}

/** The confirmation header's name when the server does not say (docs/api.md). */
export const CONFIRMATION_HEADER = "X-Mailwarden-Confirmation";

/** Verdicts from least to most severe (docs/api.md). */
export const VERDICTS = Object.freeze(["deliver", "confirm", "hold", "reject"]);

/** What a deployment gets without settings of its own. */
export const DEFAULT_SETTINGS = Object.freeze({
  serverUrl: "",
  token: "",
  timeoutMs: 10000,
  // The JSON body's size in bytes; keep it at or under the server's own limit.
  maxRequestBytes: 25 * 1024 * 1024,
  // "open": let the message go when the check cannot be made (the gateway judges it again);
  // "closed": block it.
  onFailure: "open",
});

const FIELD_LABELS = Object.freeze({ to: "To", cc: "Cc", bcc: "Bcc" });
const VERDICT_WORDS = Object.freeze({
  confirm: "needs your confirmation",
  hold: "will be held for review",
  reject: "will not be delivered",
});
const STATUS_WORDS = Object.freeze({
  400: "The mailwarden server could not read the draft.",
  401: "The mailwarden server refused the add-in's token (missing or revoked).",
  403: "The add-in's token is not allowed to check drafts.",
  404: "The mailwarden server no longer knows this check; press Send again.",
  409: "This check cannot be confirmed.",
  413: "The draft is over the mailwarden server's size limit.",
  415: "The mailwarden server did not accept the draft's format.",
  422: "The mailwarden server found the draft malformed.",
  503: "The mailwarden server is unavailable; try again.",
});

export class MailwardenError extends Error {
  constructor(message) {
    super(message);
    this.name = this.constructor.name;
  }
}

export class SettingsError extends MailwardenError {}

export class DraftError extends MailwardenError {
  /** @param {string} field the draft's field at fault, e.g. "cc[1]" */
  constructor(field, message) {
    super(field + ": " + message);
    this.field = field;
  }
}

export class DraftTooLargeError extends DraftError {
  constructor(bytes, limit) {
    super(
      "draft",
      "the draft is " +
        formatBytes(bytes) +
        ", over the " +
        formatBytes(limit) +
        " mailwarden can check before sending",
    );
    this.bytes = bytes;
    this.limit = limit;
  }
}

export class ServerError extends MailwardenError {}

export class UnreachableError extends ServerError {
  constructor(message, timedOut) {
    super(message);
    this.timedOut = Boolean(timedOut);
  }
}

export class HttpError extends ServerError {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// ── settings ────────────────────────────────────────────────────────────────────────────────

/**
 * Settings with defaults filled in and checked: an https server URL (http only on loopback,
 * so the token never crosses a network in clear), a positive timeout and size limit, and a
 * failure mode of "open" or "closed". Throws SettingsError.
 */
export function normalizeSettings(raw) {
  const given = raw || {};
  const merged = {};
  for (const key of Object.keys(DEFAULT_SETTINGS)) {
    const value = given[key];
    merged[key] = value === undefined || value === null || value === "" ? DEFAULT_SETTINGS[key] : value;
  }
  const serverUrl = String(merged.serverUrl).trim();
  if (!serverUrl) throw new SettingsError("No mailwarden server URL is set.");
  let url;
  try {
    url = new URL(serverUrl);
  } catch (_error) {
    throw new SettingsError("The mailwarden server URL is not a URL: " + serverUrl);
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].indexOf(url.hostname) !== -1;
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new SettingsError("The mailwarden server URL must use https: " + serverUrl);
  }
  const timeoutMs = Number(merged.timeoutMs);
  const maxRequestBytes = Number(merged.maxRequestBytes);
  if (!(timeoutMs > 0)) throw new SettingsError("timeoutMs must be a positive number.");
  if (!(maxRequestBytes > 0)) throw new SettingsError("maxRequestBytes must be a positive number.");
  if (merged.onFailure !== "open" && merged.onFailure !== "closed") {
    throw new SettingsError('onFailure must be "open" or "closed", not ' + JSON.stringify(merged.onFailure));
  }
  return Object.freeze({
    serverUrl: url.href.endsWith("/") ? url.href : url.href + "/",
    token: String(merged.token).trim(),
    timeoutMs: timeoutMs,
    maxRequestBytes: maxRequestBytes,
    onFailure: merged.onFailure,
  });
}

// ── the draft → the request ─────────────────────────────────────────────────────────────────

/**
 * The JSON body of POST /v1/check for a neutral draft:
 *   {from, to, cc, bcc, subject, text, html, inReplyTo, references,
 *    attachments: [{filename, contentType, contentBase64}]}
 * Addresses are RFC 5322 strings ("Name <a@b>", "a@b") or {name, address} objects. At least one
 * recipient is required; optional fields left out are left out of the body. Throws DraftError
 * naming the field, or DraftTooLargeError when the body is over options.maxRequestBytes.
 *
 * @returns {{body: object, json: string, bytes: number}}
 */
export function buildCheckRequest(draft, options) {
  const limit = (options && options.maxRequestBytes) || DEFAULT_SETTINGS.maxRequestBytes;
  if (!draft || typeof draft !== "object" || Array.isArray(draft)) {
    throw new DraftError("draft", "must be an object");
  }
  const body = {};
  if (draft.from !== undefined && draft.from !== null && draft.from !== "") {
    body.from = formatAddress(draft.from, "from");
  }
  body.to = addressList(draft.to, "to");
  body.cc = addressList(draft.cc, "cc");
  body.bcc = addressList(draft.bcc, "bcc");
  if (body.to.length + body.cc.length + body.bcc.length === 0) {
    throw new DraftError("to", "the draft has no recipients");
  }
  for (const field of ["subject", "text", "html"]) {
    const value = optionalString(draft[field], field);
    if (value !== undefined) body[field] = value;
  }
  const inReplyTo = optionalString(draft.inReplyTo, "inReplyTo");
  if (inReplyTo) body.in_reply_to = inReplyTo.trim();
  const references = messageIds(draft.references, "references");
  if (references.length) body.references = references;
  const attachments = attachmentList(draft.attachments);
  if (attachments.length) body.attachments = attachments;

  const json = JSON.stringify(body);
  const bytes = utf8Length(json);
  if (bytes > limit) throw new DraftTooLargeError(bytes, limit);
  return { body: body, json: json, bytes: bytes };
}

/** An address as RFC 5322 text; a display name with specials (",", '"', "<", ...) is quoted. */
export function formatAddress(value, field) {
  if (typeof value === "string") {
    const text = value.trim();
    if (!text) throw new DraftError(field, "is empty");
    return text;
  }
  if (value && typeof value === "object" && typeof value.address === "string") {
    const address = value.address.trim();
    if (!address) throw new DraftError(field, "has no address");
    const name = typeof value.name === "string" ? value.name.trim() : "";
    if (!name || name === address) return address;
    return displayName(name) + " <" + address + ">";
  }
  throw new DraftError(field, "must be an address string or {name, address}");
}

function displayName(name) {
  // atext and spaces may stand bare (RFC 5322 3.2.3, phrase); anything else is quoted.
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ \u0080-\uFFFF]+$/.test(name)) return name;
  return '"' + name.replace(/(["\\])/g, "\\$1") + '"';
}

function addressList(value, field) {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map(function (item, index) {
    return formatAddress(item, field + "[" + index + "]");
  });
}

function optionalString(value, field) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new DraftError(field, "must be a string");
  return value;
}

function messageIds(value, field) {
  if (value === undefined || value === null || value === "") return [];
  if (typeof value === "string") return value.split(/\s+/).filter(Boolean);
  if (!Array.isArray(value)) throw new DraftError(field, "must be a list of message ids");
  return value.map(function (item, index) {
    if (typeof item !== "string" || !item.trim()) {
      throw new DraftError(field + "[" + index + "]", "must be a message id");
    }
    return item.trim();
  });
}

function attachmentList(value) {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new DraftError("attachments", "must be a list");
  return value.map(function (item, index) {
    const field = "attachments[" + index + "]";
    if (!item || typeof item !== "object") throw new DraftError(field, "must be an object");
    if (typeof item.filename !== "string" || !item.filename.trim()) {
      throw new DraftError(field + ".filename", "is missing");
    }
    if (typeof item.contentBase64 !== "string") {
      throw new DraftError(field + ".contentBase64", "is missing");
    }
    const content = item.contentBase64.replace(/\s+/g, "");
    if (content.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(content)) {
      throw new DraftError(field + ".contentBase64", "is not base64");
    }
    const contentType =
      typeof item.contentType === "string" && item.contentType.trim()
        ? item.contentType.trim()
        : "application/octet-stream";
    return { filename: item.filename, content_type: contentType, content_base64: content };
  });
}

/** Bytes of a string in UTF-8, without an encoder (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(text) {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** The UTF-8 bytes of a string, without an encoder (lone surrogates become U+FFFD). */
export function utf8Bytes(text) {
  const out = new Uint8Array(utf8Length(text));
  let at = 0;
  for (let i = 0; i < text.length; i += 1) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i += 1;
      } else code = 0xfffd;
    }
    if (code < 0x80) out[at++] = code;
    else if (code < 0x800) {
      out[at++] = 0xc0 | (code >> 6);
      out[at++] = 0x80 | (code & 63);
    } else if (code < 0x10000) {
      out[at++] = 0xe0 | (code >> 12);
      out[at++] = 0x80 | ((code >> 6) & 63);
      out[at++] = 0x80 | (code & 63);
    } else {
      out[at++] = 0xf0 | (code >> 18);
      out[at++] = 0x80 | ((code >> 12) & 63);
      out[at++] = 0x80 | ((code >> 6) & 63);
      out[at++] = 0x80 | (code & 63);
    }
  }
  return out;
}

/** Base64 of bytes (an ArrayBuffer or Uint8Array), for attachments, without btoa's 16-bit trap. */
export function base64FromBytes(data) {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += alphabet[n >> 18] + alphabet[(n >> 12) & 63] + alphabet[(n >> 6) & 63] + alphabet[n & 63];
  }
  if (i < bytes.length) {
    const n = (bytes[i] << 16) | ((i + 1 < bytes.length ? bytes[i + 1] : 0) << 8);
    out += alphabet[n >> 18] + alphabet[(n >> 12) & 63];
    out += i + 1 < bytes.length ? alphabet[(n >> 6) & 63] + "=" : "==";
  }
  return out;
}

/**
 * A short fingerprint of a request body, to tell whether a draft changed since the user confirmed
 * it. Not a security measure: the gateway checks the signed header against the content itself.
 */
export function draftKey(json) {
  // cyrb53-style: two 32-bit multiplicative hashes, 53 bits kept.
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < json.length; i += 1) {
    const code = json.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36) + ":" + json.length;
}

// ── the HTTP calls ──────────────────────────────────────────────────────────────────────────

/**
 * POST /v1/check for a draft; the checked answer. Throws SettingsError, DraftError (before any
 * request) or ServerError.
 */
export async function checkDraft(fetchFn, settings, draft) {
  const config = normalizeSettings(settings);
  return sendCheckRequest(fetchFn, config, buildCheckRequest(draft, config));
}

/** POST /v1/check for a request buildCheckRequest made; the checked answer. */
export async function sendCheckRequest(fetchFn, settings, request) {
  const config = normalizeSettings(settings);
  const answer = await postJson(fetchFn, config, "v1/check", request.json);
  return checkedResponse(answer);
}

/**
 * POST /v1/confirm: the sender's reason for sending a `confirm` verdict anyway; the header to
 * add, {name, value, expires}. Throws DraftError for an empty reason, else as checkDraft.
 */
export async function confirmDraft(fetchFn, settings, checkId, reason) {
  const config = normalizeSettings(settings);
  if (typeof checkId !== "string" || !checkId) throw new DraftError("check_id", "is missing");
  const text = typeof reason === "string" ? reason.trim() : "";
  if (!text) throw new DraftError("reason", "a reason is needed to send anyway");
  const answer = await postJson(
    fetchFn,
    config,
    "v1/confirm",
    JSON.stringify({ check_id: checkId, reason: text }),
  );
  if (!answer || typeof answer.value !== "string" || !answer.value) {
    throw new ServerError("The mailwarden server's confirmation had no header value.");
  }
  return {
    // Only an X- header: the add-in never lets the server set a header that changes the message.
    name: typeof answer.header === "string" && /^X-[A-Za-z0-9-]+$/.test(answer.header) ? answer.header : CONFIRMATION_HEADER,
    value: answer.value,
    expires: typeof answer.expires === "string" ? answer.expires : null,
  };
}

async function postJson(fetchFn, config, path, json) {
  const url = new URL(path, config.serverUrl).href;
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (config.token) headers.Authorization = "Bearer " + config.token;
  const controller = typeof AbortController === "function" ? new AbortController() : null;
  let timedOut = false;
  let timer = null;
  const deadline = new Promise(function (_resolve, reject) {
    timer = setTimeout(function () {
      timedOut = true;
      if (controller) controller.abort();
      reject(new UnreachableError("The mailwarden server did not answer in time.", true));
    }, config.timeoutMs);
  });
  let response;
  let text;
  try {
    const exchange = (async function () {
      response = await fetchFn(url, {
        method: "POST",
        headers: headers,
        body: json,
        signal: controller ? controller.signal : undefined,
      });
      text = await response.text();
    })();
    exchange.catch(function () {}); // a late failure after the deadline is not unhandled
    await Promise.race([exchange, deadline]);
  } catch (error) {
    if (error instanceof UnreachableError) throw error;
    if (timedOut) throw new UnreachableError("The mailwarden server did not answer in time.", true);
    throw new UnreachableError("The mailwarden server could not be reached (" + describe(error) + ").", false);
  } finally {
    clearTimeout(timer);
  }
  const data = parseJson(text);
  if (!response.ok) {
    const said = data && typeof data.error === "string" && data.error.trim() ? data.error.trim() : "";
    const words = STATUS_WORDS[response.status] || "The mailwarden server failed (" + response.status + ").";
    throw new HttpError(response.status, said ? words + " " + sentence(said) : words);
  }
  if (data === undefined) throw new ServerError("The mailwarden server's answer was not JSON.");
  return data;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (_error) {
    return undefined;
  }
}

function describe(error) {
  return error && error.message ? error.message : String(error);
}

function sentence(text) {
  return period(text.charAt(0).toUpperCase() + text.slice(1));
}

function period(text) {
  return /[.!?]$/.test(text) ? text : text + ".";
}

function checkedResponse(answer) {
  const bad = function (what) {
    return new ServerError("The mailwarden server's answer was not a check result (" + what + ").");
  };
  if (!answer || typeof answer !== "object") throw bad("not an object");
  if (VERDICTS.indexOf(answer.verdict) === -1) throw bad("verdict " + JSON.stringify(answer.verdict));
  if (typeof answer.check_id !== "string" || !answer.check_id) throw bad("no check_id");
  if (!Array.isArray(answer.recipients)) throw bad("no recipients");
  for (const recipient of answer.recipients) {
    if (!recipient || VERDICTS.indexOf(recipient.verdict) === -1) throw bad("a recipient's verdict");
  }
  return answer;
}

// ── the answer → what the user sees and does ────────────────────────────────────────────────

/**
 * What the user sees for a check's answer, or null when there is nothing to show (deliver):
 *   {verdict, checkId, title, recipients: [{address, field, verdict, explanations}],
 *    lines: [string], actions: [{id: "fix" | "send_anyway", label}], reasonRequired}
 * One line per recipient that is not delivered, with its explanations; "Fix it" always, "Send
 * anyway" only when the server allows it.
 */
export function promptFor(check) {
  if (check.verdict === "deliver") return null;
  const recipients = check.recipients
    .filter(function (recipient) {
      return recipient.verdict !== "deliver";
    })
    .map(function (recipient) {
      const explanations = (recipient.reasons || [])
        .map(function (reason) {
          return reason && typeof reason.explanation === "string" ? reason.explanation.trim() : "";
        })
        .filter(Boolean);
      return {
        address: String(recipient.address || ""),
        field: recipient.field || "",
        verdict: recipient.verdict,
        explanations: explanations,
      };
    });
  const lines = recipients.map(function (recipient) {
    const label = FIELD_LABELS[recipient.field];
    const who = label ? recipient.address + " (" + label + ")" : recipient.address;
    const said = recipient.explanations.length ? ": " + recipient.explanations.join(" ") : ".";
    return who + " " + VERDICT_WORDS[recipient.verdict] + said;
  });
  const sendAnyway = canSendAnyway(check);
  const actions = [{ id: "fix", label: "Fix it" }];
  if (sendAnyway) actions.push({ id: "send_anyway", label: "Send anyway" });
  return {
    verdict: check.verdict,
    checkId: check.check_id,
    title: typeof check.summary === "string" && check.summary ? check.summary : defaultTitle(check),
    recipients: recipients,
    lines: lines,
    actions: actions,
    reasonRequired: sendAnyway,
  };
}

function canSendAnyway(check) {
  return check.verdict === "confirm" && check.send_anyway_allowed === true;
}

function defaultTitle(check) {
  return check.verdict === "confirm"
    ? "This message needs your confirmation."
    : "This message cannot be sent as it is.";
}

/** The prompt as plain text of at most maxChars characters (Outlook's Smart Alerts allow 500). */
export function promptText(prompt, maxChars) {
  const limit = maxChars || Infinity;
  let text = prompt.title;
  for (const line of prompt.lines) {
    const next = text + "\n" + line;
    if (next.length > limit) break;
    text = next;
  }
  if (text.length > limit) text = text.slice(0, limit - 1) + "\u2026";
  return text;
}

/**
 * The prompt as DOM for an add-in's page: a heading with the title, then one item per recipient
 * (address, field, what happens) with its explanations. Text only, never markup: explanations
 * quote addresses and names that outsiders chose.
 */
export function renderPrompt(doc, prompt) {
  const root = doc.createElement("section");
  root.className = "mailwarden-prompt verdict-" + prompt.verdict;
  const title = doc.createElement("h1");
  title.textContent = prompt.title;
  root.appendChild(title);
  const list = doc.createElement("ul");
  for (const recipient of prompt.recipients) {
    const entry = doc.createElement("li");
    entry.className = "verdict-" + recipient.verdict;
    const who = doc.createElement("strong");
    who.textContent = recipient.address;
    entry.appendChild(who);
    const label = FIELD_LABELS[recipient.field];
    entry.appendChild(doc.createTextNode((label ? " (" + label + ") " : " ") + VERDICT_WORDS[recipient.verdict]));
    if (recipient.explanations.length) {
      const why = doc.createElement("ul");
      for (const explanation of recipient.explanations) {
        const line = doc.createElement("li");
        line.textContent = explanation;
        why.appendChild(line);
      }
      entry.appendChild(why);
    }
    list.appendChild(entry);
  }
  root.appendChild(list);
  return root;
}

/**
 * The outcome of the user's choice on a check:
 *   {outcome: "allow"}                              deliver: nothing to ask
 *   {outcome: "block", message}                     "Fix it", or a hold/reject, or no choice
 *   {outcome: "confirm", checkId, reason}           "Send anyway" with a reason: confirmDraft,
 *                                                   then allow with the header it returns
 * A choice is {action: "fix"} or {action: "send_anyway", reason}. Throws DraftError when
 * "Send anyway" comes without a reason.
 */
export function decision(check, choice) {
  if (check.verdict === "deliver") return { outcome: "allow" };
  if (!choice || choice.action !== "send_anyway") {
    return { outcome: "block", message: "Not sent: change the draft and press Send again." };
  }
  if (!canSendAnyway(check)) {
    return { outcome: "block", message: "Not sent: this message cannot be sent anyway." };
  }
  const reason = typeof choice.reason === "string" ? choice.reason.trim() : "";
  if (!reason) throw new DraftError("reason", "a reason is needed to send anyway");
  return { outcome: "confirm", checkId: check.check_id, reason: reason };
}

/**
 * What to do when the check cannot be made (server down, refused token, draft too large, the
 * add-in not configured): the deployment's choice, open by default, since the gateway judges
 * the message again. {allow, message}.
 */
export function onServerFailure(settings, error) {
  const mode = settings && settings.onFailure === "closed" ? "closed" : "open";
  const why = period(error && error.message ? error.message : "mailwarden could not check this message");
  if (mode === "open") {
    return {
      allow: true,
      message: why + " It was sent unchecked; the mail gateway will still check it.",
    };
  }
  return {
    allow: false,
    message: why + " Your organisation does not send unchecked mail: try again shortly.",
  };
}

/**
 * The whole Send for an add-in that can ask the user while Send waits (Thunderbird):
 * check, ask, confirm. ask(prompt, error) shows the prompt (and the previous attempt's error,
 * if any) and resolves to the user's choice. Resolves to
 *   {allow: true, header?: {name, value, expires}, verdict?} or {allow: false, message}.
 */
export async function guardSend(options) {
  const fetchFn = options.fetchFn;
  const settings = options.settings;
  let check;
  try {
    check = await checkDraft(fetchFn, settings, options.draft);
  } catch (error) {
    if (!(error instanceof MailwardenError)) throw error;
    return onServerFailure(settings, error);
  }
  const prompt = promptFor(check);
  if (!prompt) return { allow: true, verdict: check.verdict };
  let problem = null;
  for (;;) {
    const choice = await options.ask(prompt, problem);
    let outcome;
    try {
      outcome = decision(check, choice);
    } catch (error) {
      if (!(error instanceof DraftError)) throw error;
      problem = error.message;
      continue;
    }
    if (outcome.outcome === "block") return { allow: false, message: outcome.message };
    try {
      const header = await confirmDraft(fetchFn, settings, outcome.checkId, outcome.reason);
      return { allow: true, header: header, verdict: check.verdict };
    } catch (error) {
      if (!(error instanceof MailwardenError)) throw error;
      problem = error.message;
    }
  }
}

/** "2.4 MB" */
export function formatBytes(bytes) {
  if (bytes < 1024) return bytes + " bytes";
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
  return (bytes / (1024 * 1024)).toFixed(1) + " MB";
}
