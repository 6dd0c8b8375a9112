// A compose item with Office.js's callback API, for the parts of the Outlook add-in that are ours.
// Office.js runs only inside Outlook, so this stands in for it, keeping its documented behaviour:
// callbacks come later (never synchronously) with {status, value} or {status, error}; sessionData
// holds at most 50,000 characters; internet headers are set and removed by name.

const SESSION_LIMIT = 50000;

function later(callback, result) {
  setTimeout(() => callback(result), 0);
}

function succeeded(value) {
  return { status: "succeeded", value };
}

function failed(message, code) {
  return { status: "failed", error: { message, code: code || 9999 } };
}

/**
 * draft: {from, to, cc, bcc: [{displayName, emailAddress}], subject, text, html, inReplyTo,
 *         attachments: [{id, name, size, attachmentType, format, content}]}
 * failures: {"to.getAsync": "message"} makes that call fail.
 */
export function fakeComposeItem(draft, failures = {}) {
  const calls = [];
  const session = new Map();
  const headers = new Map();
  const getter = (name, value) => ({
    getAsync(...args) {
      const callback = args.pop();
      calls.push(`${name}.getAsync`);
      const key = name === "body" ? `body.getAsync(${args[0]})` : `${name}.getAsync`;
      if (failures[key]) return later(callback, failed(failures[key]));
      later(callback, succeeded(typeof value === "function" ? value(...args) : value));
    },
  });
  const item = {
    calls,
    headers,
    from: getter("from", draft.from || { displayName: "", emailAddress: "" }),
    to: getter("to", draft.to || []),
    cc: getter("cc", draft.cc || []),
    bcc: getter("bcc", draft.bcc || []),
    subject: getter("subject", draft.subject || ""),
    body: getter("body", (type) => (type === "html" ? draft.html || "" : draft.text || "")),
    inReplyTo: draft.inReplyTo === undefined ? null : draft.inReplyTo,
    getAttachmentsAsync(callback) {
      calls.push("getAttachmentsAsync");
      later(
        callback,
        succeeded(
          (draft.attachments || []).map(({ id, name, size, attachmentType }) => ({
            id,
            name,
            size,
            attachmentType,
            isInline: false,
          })),
        ),
      );
    },
    getAttachmentContentAsync(id, callback) {
      calls.push(`getAttachmentContentAsync(${id})`);
      const found = (draft.attachments || []).find((attachment) => attachment.id === id);
      if (!found) return later(callback, failed("The attachment was not found.", 9011));
      later(callback, succeeded({ format: found.format, content: found.content }));
    },
    sessionData: {
      getAsync(name, callback) {
        if (!session.has(name)) return later(callback, failed("The key was not found.", 9057));
        later(callback, succeeded(session.get(name)));
      },
      setAsync(name, value, callback) {
        const total = [...session].reduce((sum, [key, text]) => sum + (key === name ? 0 : key.length + text.length), 0);
        if (total + name.length + value.length > SESSION_LIMIT) {
          return later(callback, failed("The session data is over its size limit.", 9057));
        }
        session.set(name, value);
        later(callback, succeeded(undefined));
      },
    },
    internetHeaders: {
      setAsync(values, callback) {
        calls.push(`internetHeaders.setAsync(${Object.keys(values).join(",")})`);
        for (const [name, value] of Object.entries(values)) headers.set(name, value);
        later(callback, succeeded(undefined));
      },
      removeAsync(names, callback) {
        calls.push(`internetHeaders.removeAsync(${names.join(",")})`);
        for (const name of names) headers.delete(name);
        later(callback, succeeded(undefined));
      },
    },
    /** Change the draft as the user would, e.g. add a recipient. */
    edit(change) {
      Object.assign(draft, change(draft) || {});
      item.to = getter("to", draft.to || []);
      item.cc = getter("cc", draft.cc || []);
      item.bcc = getter("bcc", draft.bcc || []);
      item.subject = getter("subject", draft.subject || "");
      item.body = getter("body", (type) => (type === "html" ? draft.html || "" : draft.text || ""));
    },
  };
  return item;
}

/** Office.context.roamingSettings: get, set, saveAsync. */
export function fakeRoamingSettings(values = {}) {
  const stored = new Map(Object.entries(values));
  return {
    stored,
    get: (name) => stored.get(name),
    set: (name, value) => stored.set(name, value),
    saveAsync: (callback) => later(callback, succeeded(undefined)),
  };
}

/** Ann's wrong-recipient draft as Outlook holds it. */
export function annDraftInOutlook() {
  return {
    from: { displayName: "Ann Smith", emailAddress: "ann.smith@example.police.uk" },
    to: [{ displayName: "Greenfield Safeguarding", emailAddress: "safeguarding@greenfield.sch.uk" }],
    cc: [{ displayName: "r.patel@gmail.com", emailAddress: "r.patel@gmail.com" }],
    bcc: [],
    subject: "Ellie Marsh - AB/25/0093",
    text: "Dear colleague,\n\nPlease find the strategy meeting notes attached.\n",
    html: "<p>Dear colleague,</p><p>Please find the strategy meeting notes attached.</p>",
    inReplyTo: "<CAF123@mail.gmail.com>",
    attachments: [
      { id: "att-1", name: "notes.pdf", size: 9, attachmentType: "file", format: "base64", content: "JVBERi0xLjQK" },
    ],
  };
}
