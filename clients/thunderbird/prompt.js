// The popup's page: shows what the background gives it, sends back the user's choice, closes.

import { renderPrompt } from "./shared/mailwarden.js";
import { ANSWER, SHOW } from "./prompt-window.js";

const id = Number(new URLSearchParams(location.search).get("id"));

function byId(name) {
  return document.getElementById(name);
}

async function answer(choice) {
  await messenger.runtime.sendMessage({ type: ANSWER, id: id, choice: choice });
  window.close();
}

async function show() {
  const shown = await messenger.runtime.sendMessage({ type: SHOW, id: id });
  if (!shown) return window.close();
  if (shown.message) {
    const text = document.createElement("p");
    text.textContent = shown.message;
    byId("prompt").appendChild(text);
    byId("fix").textContent = "Back to the draft";
  } else {
    byId("prompt").appendChild(renderPrompt(document, shown.prompt));
    if (shown.problem) {
      byId("problem").textContent = shown.problem;
      byId("problem").hidden = false;
    }
    byId("send-anyway").hidden = !shown.prompt.reasonRequired;
    byId("send").hidden = !shown.prompt.reasonRequired;
  }
  byId("fix").addEventListener("click", function () {
    answer({ action: "fix" });
  });
  byId("send-anyway").addEventListener("submit", function (event) {
    event.preventDefault();
    answer({ action: "send_anyway", reason: byId("reason").value });
  });
}

show();
