// The prompt as a popup window beside the compose window. The background keeps what each window
// shows and the promise its answer settles; prompt.js asks for the one and sends the other.
// Closing the window is "Fix it".

export const SHOW = "mailwarden:show";
export const ANSWER = "mailwarden:answer";

export function createPromptWindows(messenger) {
  const pending = new Map();
  let next = 1;

  function settle(id, choice) {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    entry.resolve(choice);
  }

  messenger.runtime.onMessage.addListener(function (message) {
    if (!message || (message.type !== SHOW && message.type !== ANSWER)) return undefined;
    const entry = pending.get(message.id);
    if (message.type === SHOW) {
      return Promise.resolve(entry ? { prompt: entry.prompt, problem: entry.problem, message: entry.message } : null);
    }
    settle(message.id, message.choice || { action: "fix" });
    return Promise.resolve(true);
  });

  messenger.windows.onRemoved.addListener(function (windowId) {
    for (const [id, entry] of pending) {
      if (entry.windowId === windowId) settle(id, { action: "fix" });
    }
  });

  async function open(shown) {
    const id = next++;
    const answered = new Promise(function (resolve) {
      pending.set(id, Object.assign({ resolve: resolve, windowId: null }, shown));
    });
    const created = await messenger.windows.create({
      type: "popup",
      url: "prompt.html?id=" + id,
      width: 600,
      height: 520,
      allowScriptsToClose: true,
    });
    if (pending.has(id)) pending.get(id).windowId = created.id;
    return answered;
  }

  return {
    ask: function (_tab, prompt, problem) {
      return open({ prompt: prompt, problem: problem || null });
    },
    tell: function (_tab, message) {
      return open({ message: message }).then(function () {});
    },
  };
}
