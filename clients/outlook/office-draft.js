// The draft being sent, read through Office.js into the shared module's neutral draft.
//
// Only the item's documented compose API is used (Mailbox 1.8 for attachments, 1.14 for
// inReplyTo where the client has it). Outlook does not expose References while composing; the
// gateway sees the real headers.

import { base64FromBytes, DraftTooLargeError, MailwardenError, utf8Bytes } from "../shared/mailwarden.js";

/** An Office.js call that failed: which call, and Office's own words. */
export class OfficeError extends MailwardenError {
  constructor(call, error) {
    const said = error && error.message ? error.message : "failed";
    super("Outlook could not give the add-in the draft (" + call + ": " + said + ").");
    this.call = call;
    this.code = error && error.code;
  }
}

/** Office's callback API as a promise: officeCall(item.to, "getAsync", "to.getAsync"). */
export function officeCall(target, method, name, args) {
  return new Promise(function (resolve, reject) {
    const callArgs = (args || []).slice();
    callArgs.push(function (result) {
      if (result && result.status === "succeeded") resolve(result.value);
      else reject(new OfficeError(name, result && result.error));
    });
    try {
      target[method].apply(target, callArgs);
    } catch (error) {
      reject(new OfficeError(name, error));
    }
  });
}

/** The draft as {from, to, cc, bcc, subject, text, html, inReplyTo, attachments}. */
export async function readDraft(item, options) {
  const limit = options && options.maxRequestBytes;
  const reads = await Promise.all([
    item.from ? officeCall(item.from, "getAsync", "from.getAsync") : null,
    officeCall(item.to, "getAsync", "to.getAsync"),
    officeCall(item.cc, "getAsync", "cc.getAsync"),
    item.bcc ? officeCall(item.bcc, "getAsync", "bcc.getAsync") : [],
    officeCall(item.subject, "getAsync", "subject.getAsync"),
    officeCall(item.body, "getAsync", "body.getAsync(text)", ["text"]),
    officeCall(item.body, "getAsync", "body.getAsync(html)", ["html"]),
    readAttachments(item, limit),
  ]);
  const draft = {
    from: reads[0] && reads[0].emailAddress ? person(reads[0]) : undefined,
    to: reads[1].map(person),
    cc: reads[2].map(person),
    bcc: reads[3].map(person),
    subject: reads[4] || "",
    text: reads[5] || "",
    html: reads[6] || "",
    attachments: reads[7],
  };
  if (typeof item.inReplyTo === "string" && item.inReplyTo) draft.inReplyTo = item.inReplyTo;
  return draft;
}

function person(details) {
  return { name: details.displayName || "", address: details.emailAddress || "" };
}

async function readAttachments(item, limit) {
  if (typeof item.getAttachmentsAsync !== "function") return [];
  const listed = await officeCall(item, "getAttachmentsAsync", "getAttachmentsAsync");
  // Cloud attachments are links in the message, not content to read.
  const wanted = listed.filter(function (attachment) {
    return attachment.attachmentType !== "cloud";
  });
  if (limit) {
    // Base64 is 4/3 of the bytes: refuse before reading megabytes that cannot be sent.
    const estimate = wanted.reduce(function (sum, attachment) {
      return sum + Math.ceil((attachment.size || 0) / 3) * 4;
    }, 0);
    if (estimate > limit) throw new DraftTooLargeError(estimate, limit);
  }
  const attachments = [];
  for (const attachment of wanted) {
    const content = await officeCall(item, "getAttachmentContentAsync", "getAttachmentContentAsync", [attachment.id]);
    attachments.push(attachmentFrom(attachment, content));
  }
  return attachments;
}

function attachmentFrom(attachment, content) {
  const name = attachment.name || "attachment";
  if (content.format === "base64") {
    return { filename: name, contentType: attachment.contentType || typeFor(name), contentBase64: content.content };
  }
  if (content.format === "eml") {
    return {
      filename: /\.eml$/i.test(name) ? name : name + ".eml",
      contentType: "message/rfc822",
      contentBase64: base64FromBytes(utf8Bytes(content.content)),
    };
  }
  if (content.format === "iCalendar") {
    return {
      filename: /\.ics$/i.test(name) ? name : name + ".ics",
      contentType: "text/calendar",
      contentBase64: base64FromBytes(utf8Bytes(content.content)),
    };
  }
  throw new OfficeError("getAttachmentContentAsync", { message: "unexpected format " + content.format });
}

const TYPES = {
  pdf: "application/pdf",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  odt: "application/vnd.oasis.opendocument.text",
  ods: "application/vnd.oasis.opendocument.spreadsheet",
  csv: "text/csv",
  txt: "text/plain",
  htm: "text/html",
  html: "text/html",
  zip: "application/zip",
  msg: "application/vnd.ms-outlook",
  eml: "message/rfc822",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
};

/** A content type from a file name's extension (Outlook does not give one while composing). */
export function typeFor(filename) {
  const match = /\.([A-Za-z0-9]+)$/.exec(filename);
  return (match && TYPES[match[1].toLowerCase()]) || "application/octet-stream";
}
