// The options page: the user's server URL (unless the administrator fixed it) and API token.
// Saving asks for access to that server, so the check needs no CORS from it.

import { loadSettings, serverUrlIsFixed } from "./settings.js";

function byId(name) {
  return document.getElementById(name);
}

async function start() {
  const settings = await loadSettings(messenger.storage);
  byId("server-url").value = settings.serverUrl || "";
  byId("server-url").disabled = await serverUrlIsFixed(messenger.storage);
  byId("token").value = settings.token || "";
  byId("settings").addEventListener("submit", async function (event) {
    event.preventDefault();
    const serverUrl = byId("server-url").value.trim();
    const values = { token: byId("token").value.trim() };
    if (!byId("server-url").disabled) values.serverUrl = serverUrl;
    let status = "Saved.";
    if (serverUrl) {
      try {
        const origin = new URL(serverUrl).origin + "/*";
        const granted = await messenger.permissions.request({ origins: [origin] });
        if (!granted) status = "Saved; without access to the server, it must allow this add-in (CORS).";
      } catch (error) {
        status = "Not saved: " + error.message;
        byId("status").textContent = status;
        return;
      }
    }
    await messenger.storage.local.set(values);
    byId("status").textContent = status;
  });
}

start();
