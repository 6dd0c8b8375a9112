// The review pane: the Smart Alerts dialog's "Send anyway…" opens it. It shows what the check
// found, takes the reason, and confirms (send-guard.js); it also holds the user's settings.

import { renderPrompt } from "../shared/mailwarden.js";
import { confirmFromPane, pendingPrompt } from "./send-guard.js";
import { loadSettings, saveSettings, serverUrlIsFixed } from "./settings.js";

function byId(id) {
  return document.getElementById(id);
}

async function showPending(item) {
  const prompt = await pendingPrompt(item);
  if (!prompt) return;
  const place = byId("prompt");
  place.replaceChildren(renderPrompt(document, prompt));
  byId("send-anyway").hidden = !prompt.reasonRequired;
  byId("fix").hidden = false;
}

function say(text) {
  byId("status").textContent = text;
}

Office.onReady(function () {
  const item = Office.context.mailbox.item;
  const roaming = Office.context.roamingSettings;
  showPending(item).catch(function (error) {
    say(error.message);
  });

  byId("send-anyway").addEventListener("submit", function (event) {
    event.preventDefault();
    const button = event.target.querySelector("button");
    button.disabled = true;
    say("Confirming\u2026");
    confirmFromPane({
      item: item,
      settings: loadSettings(roaming),
      reason: byId("reason").value,
      fetchFn: function (url, init) {
        return fetch(url, init);
      },
    }).then(function (result) {
      say(result.message);
      button.disabled = result.ok;
    });
  });

  const settings = loadSettings(roaming);
  byId("server-url").value = settings.serverUrl || "";
  byId("server-url").disabled = serverUrlIsFixed();
  byId("token").value = settings.token || "";
  byId("settings-form").addEventListener("submit", function (event) {
    event.preventDefault();
    saveSettings(roaming, { serverUrl: byId("server-url").value, token: byId("token").value }).then(
      function () {
        say("Settings saved.");
      },
      function (error) {
        say(error.message);
      },
    );
  });
});
