// The add-in's settings: the deployment's (deployment.js), with the user's token (and server URL,
// when the deployment sets none) from Office's roaming settings, which follow the mailbox.
// onFailure, the timeout and the size limit are the deployment's alone.

import { DEPLOYMENT } from "./deployment.js";

export const ROAMING_KEY = "mailwarden";

/** Settings for the shared module from the deployment and Office.context.roamingSettings. */
export function loadSettings(roamingSettings) {
  const own = (roamingSettings && roamingSettings.get(ROAMING_KEY)) || {};
  const settings = Object.assign({}, DEPLOYMENT);
  if (!settings.serverUrl && typeof own.serverUrl === "string") settings.serverUrl = own.serverUrl;
  if (typeof own.token === "string" && own.token) settings.token = own.token;
  return settings;
}

/** Whether the user may set the server URL (only when the deployment does not). */
export function serverUrlIsFixed() {
  return Boolean(DEPLOYMENT.serverUrl);
}

/** Store the user's own values; resolves when Office has saved them. */
export function saveSettings(roamingSettings, values) {
  const own = {};
  if (!serverUrlIsFixed() && values.serverUrl) own.serverUrl = String(values.serverUrl).trim();
  if (values.token) own.token = String(values.token).trim();
  roamingSettings.set(ROAMING_KEY, own);
  return new Promise(function (resolve, reject) {
    roamingSettings.saveAsync(function (result) {
      if (result && result.status === "succeeded") resolve();
      else reject(new Error((result && result.error && result.error.message) || "could not save the settings"));
    });
  });
}
