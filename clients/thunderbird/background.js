// mailwarden for Thunderbird: every Send passes through the check first.

import { createPromptWindows } from "./prompt-window.js";
import { createOnBeforeSend } from "./send-guard.js";

const windows = createPromptWindows(messenger);

messenger.compose.onBeforeSend.addListener(
  createOnBeforeSend({
    messenger: messenger,
    fetchFn: function (url, init) {
      return fetch(url, init);
    },
    ask: windows.ask,
    tell: windows.tell,
  }),
);
