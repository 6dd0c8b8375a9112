// The Smart Alerts flow: what OnMessageSend answers, and what the review pane's "Send anyway" does.
//
// Smart Alerts cannot ask for a reason inside its dialog, so Send anyway takes two steps:
//   1. Send ─▶ onMessageSend: check; a `confirm` blocks with the explanation and a "Send anyway…"
//      button that opens the review pane (a hold or reject: "Don't Send" only).
//   2. The pane ─▶ confirmFromPane(reason): POST /v1/confirm, the signed header set on the item.
//   3. Send again ─▶ onMessageSend: the same draft as confirmed lets it go without asking again;
//      otherwise any confirmation header on the draft is removed and the draft checked afresh.
// What links the steps lives in the item's sessionData (Mailbox 1.11) under SESSION_KEY.

import {
  buildCheckRequest,
  CONFIRMATION_HEADER,
  confirmDraft,
  decision,
  draftKey,
  MailwardenError,
  normalizeSettings,
  onServerFailure,
  promptFor,
  promptText,
  sendCheckRequest,
} from "../shared/mailwarden.js";
import { officeCall, readDraft } from "./office-draft.js";

/** The id of the review pane's button in manifest.xml; the Smart Alerts dialog opens it. */
export const PANE_COMMAND_ID = "mailwardenReviewButton";
export const SESSION_KEY = "mailwarden";
const MAX_ALERT_CHARS = 500; // Smart Alerts' errorMessage limit
const SEND_ANYWAY_LABEL = "Send anyway\u2026"; // cancelLabel: at most 20 characters

/**
 * The options for event.completed() on OnMessageSend. Never throws: any failure of ours or the
 * server's follows the deployment's onFailure choice.
 */
export async function onMessageSend(options) {
  const item = options.item;
  try {
    const settings = normalizeSettings(options.settings);
    const draft = await readDraft(item, settings);
    const request = buildCheckRequest(draft, settings);
    const key = draftKey(request.json);
    const state = await readSession(item);
    if (state.confirmed && state.confirmed.key === key && !expired(state.confirmed.expires, options.now)) {
      return { allowEvent: true };
    }
    // Any confirmation on the draft now covers other content (or was saved with it): drop it.
    const stale = [CONFIRMATION_HEADER];
    if (state.confirmed && state.confirmed.name !== CONFIRMATION_HEADER) stale.push(state.confirmed.name);
    await officeCall(item.internetHeaders, "removeAsync", "internetHeaders.removeAsync", [stale]);
    delete state.confirmed;
    const check = await sendCheckRequest(options.fetchFn, settings, request);
    const prompt = promptFor(check);
    state.pending = prompt
      ? {
          key: key,
          check: { check_id: check.check_id, verdict: check.verdict, send_anyway_allowed: check.send_anyway_allowed },
          prompt: prompt,
        }
      : undefined;
    await writeSession(item, state);
    if (!prompt) return { allowEvent: true };
    const completion = { allowEvent: false, errorMessage: promptText(prompt, MAX_ALERT_CHARS) };
    if (prompt.reasonRequired) {
      completion.cancelLabel = SEND_ANYWAY_LABEL;
      completion.commandId = PANE_COMMAND_ID;
    }
    return completion;
  } catch (error) {
    if (!(error instanceof MailwardenError)) throw error;
    const failure = onServerFailure(options.settings, error);
    if (failure.allow) return { allowEvent: true };
    return { allowEvent: false, errorMessage: failure.message.slice(0, MAX_ALERT_CHARS) };
  }
}

/** What the review pane shows: the pending prompt, or null when Send has not been pressed. */
export async function pendingPrompt(item) {
  const state = await readSession(item);
  return state.pending ? state.pending.prompt : null;
}

/**
 * "Send anyway" with a reason, from the review pane: confirm the pending check, set the signed
 * header on the draft and remember what was confirmed. {ok, message}; never throws for the
 * server's or the user's errors.
 */
export async function confirmFromPane(options) {
  const item = options.item;
  try {
    const settings = normalizeSettings(options.settings);
    const state = await readSession(item);
    if (!state.pending) {
      return { ok: false, message: "Press Send first: there is nothing to confirm yet." };
    }
    const draft = await readDraft(item, settings);
    const key = draftKey(buildCheckRequest(draft, settings).json);
    if (key !== state.pending.key) {
      return { ok: false, message: "The draft changed since it was checked: press Send to check it again." };
    }
    const outcome = decision(state.pending.check, { action: "send_anyway", reason: options.reason });
    if (outcome.outcome !== "confirm") return { ok: false, message: outcome.message };
    const header = await confirmDraft(options.fetchFn, settings, outcome.checkId, outcome.reason);
    const headers = {};
    headers[header.name] = header.value;
    await officeCall(item.internetHeaders, "setAsync", "internetHeaders.setAsync", [headers]);
    state.confirmed = { key: key, name: header.name, value: header.value, expires: header.expires };
    delete state.pending;
    await writeSession(item, state);
    return { ok: true, message: "Confirmed. Press Send again to send the message." };
  } catch (error) {
    if (!(error instanceof MailwardenError)) throw error;
    return { ok: false, message: error.message };
  }
}

async function readSession(item) {
  const text = await officeCall(item.sessionData, "getAsync", "sessionData.getAsync", [SESSION_KEY]).catch(
    function () {
      return ""; // a key never set is reported as a failure by some clients
    },
  );
  try {
    const state = JSON.parse(text || "{}");
    return state && typeof state === "object" ? state : {};
  } catch (_error) {
    return {};
  }
}

const MAX_SESSION_CHARS = 40000; // sessionData holds 50,000 characters per add-in

function writeSession(item, state) {
  let text = JSON.stringify(state);
  while (text.length > MAX_SESSION_CHARS && state.pending && state.pending.prompt.lines.length) {
    // Very many recipients: the pane shows the first ones; the alert already said how many.
    const prompt = state.pending.prompt;
    prompt.lines = prompt.lines.slice(0, Math.floor(prompt.lines.length / 2));
    prompt.recipients = prompt.recipients.slice(0, prompt.lines.length);
    text = JSON.stringify(state);
  }
  return officeCall(item.sessionData, "setAsync", "sessionData.setAsync", [SESSION_KEY, text]);
}

function expired(expires, now) {
  if (!expires) return false;
  const at = Date.parse(expires);
  return !(at > (now === undefined ? Date.now() : now));
}
