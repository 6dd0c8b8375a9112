// The draft being sent, from compose.onBeforeSend's details, into the shared module's neutral draft.

import { base64FromBytes, DraftError, DraftTooLargeError } from "./shared/mailwarden.js";

/** The draft as {from, to, cc, bcc, subject, text, html, inReplyTo, references, attachments}. */
export async function readDraft(messenger, tab, details, options) {
  const draft = {
    from: details.from || undefined,
    to: recipients(details.to, "to"),
    cc: recipients(details.cc, "cc"),
    bcc: recipients(details.bcc, "bcc"),
    subject: details.subject || "",
    text: details.plainTextBody || "",
  };
  if (!details.isPlainText && details.body) draft.html = details.body;
  Object.assign(draft, await threadOf(messenger, details));
  draft.attachments = await attachments(messenger, tab, options && options.maxRequestBytes);
  return draft;
}

function recipients(value, field) {
  if (value === undefined || value === null || value === "") return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map(function (recipient, index) {
    if (typeof recipient === "string") return recipient;
    // {id, type} or {nodeId, type}: an address book entry; reading it needs addressBooks access.
    throw new DraftError(field + "[" + index + "]", "is an address book " + (recipient.type || "entry") + " the add-in cannot read");
  });
}

/** In-Reply-To and References of a reply, from the message replied to (messagesRead). */
async function threadOf(messenger, details) {
  if (details.type !== "reply" || !details.relatedMessageId) return {};
  let full;
  try {
    full = await messenger.messages.getFull(details.relatedMessageId);
  } catch (_error) {
    return {}; // the original is gone or unreadable: the gateway still sees the real headers
  }
  const headers = (full && full.headers) || {};
  const messageId = first(headers["message-id"]);
  if (!messageId) return {};
  const references = (first(headers.references) || "").split(/\s+/).filter(Boolean);
  references.push(messageId);
  return { inReplyTo: messageId, references: references };
}

function first(values) {
  return Array.isArray(values) && values.length ? String(values[0]).trim() : "";
}

async function attachments(messenger, tab, limit) {
  const listed = await messenger.compose.listAttachments(tab.id);
  if (limit) {
    const estimate = listed.reduce(function (sum, attachment) {
      return sum + Math.ceil((attachment.size || 0) / 3) * 4;
    }, 0);
    if (estimate > limit) throw new DraftTooLargeError(estimate, limit);
  }
  const out = [];
  for (const attachment of listed) {
    const file = await messenger.compose.getAttachmentFile(attachment.id);
    out.push({
      filename: attachment.name || file.name || "attachment",
      contentType: file.type || "application/octet-stream",
      contentBase64: base64FromBytes(await file.arrayBuffer()),
    });
  }
  return out;
}
