// compose.onBeforeSend: check the draft, ask the user in a window while Send waits, then cancel
// the send or let it go, with the signed confirmation header when the user sent anyway.

import { CONFIRMATION_HEADER, guardSend, MailwardenError, normalizeSettings, onServerFailure } from "./shared/mailwarden.js";
import { readDraft } from "./draft.js";
import { loadSettings } from "./settings.js";

/**
 * The onBeforeSend listener. ask(tab, prompt, problem) resolves to the user's choice;
 * tell(tab, message) shows why a send was stopped when no prompt said so (fail-closed).
 */
export function createOnBeforeSend(options) {
  const messenger = options.messenger;
  return async function onBeforeSend(tab, details) {
    const settings = await loadSettings(messenger.storage);
    let draft;
    try {
      draft = await readDraft(messenger, tab, details, normalizeSettings(settings));
    } catch (error) {
      if (!(error instanceof MailwardenError)) throw error;
      return finish(options, tab, details, onServerFailure(settings, error), false);
    }
    let asked = false;
    const result = await guardSend({
      fetchFn: options.fetchFn,
      settings: settings,
      draft: draft,
      ask: function (prompt, problem) {
        asked = true;
        return options.ask(tab, prompt, problem);
      },
    });
    return finish(options, tab, details, result, asked);
  };
}

async function finish(options, tab, details, result, asked) {
  if (!result.allow) {
    if (!asked) await options.tell(tab, result.message);
    return { cancel: true };
  }
  // A confirmation left from an earlier Send covers other content: never send it along.
  const kept = (details.customHeaders || []).filter(function (header) {
    const name = header.name.toLowerCase();
    return name !== CONFIRMATION_HEADER.toLowerCase() && !(result.header && name === result.header.name.toLowerCase());
  });
  const headers = result.header ? kept.concat([{ name: result.header.name, value: result.header.value }]) : kept;
  if (headers.length === (details.customHeaders || []).length && !result.header) return {};
  return { details: { customHeaders: headers } };
}
