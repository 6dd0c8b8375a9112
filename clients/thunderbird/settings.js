// The add-in's settings: an administrator's (storage.managed, from Thunderbird's policies.json)
// win; the user's own (storage.local, from the options page) fill in the server URL and token
// where the administrator set none. onFailure, the timeout and the size limit are the
// administrator's alone.

const USER_KEYS = ["serverUrl", "token"];

/** Settings for the shared module from messenger.storage. */
export async function loadSettings(storage) {
  const managed = await storage.managed.get().catch(function () {
    return {}; // no policy for this add-in
  });
  const own = await storage.local.get(USER_KEYS);
  const settings = Object.assign({}, managed || {});
  for (const key of USER_KEYS) {
    if (!settings[key] && typeof own[key] === "string" && own[key]) settings[key] = own[key];
  }
  return settings;
}

/** Whether the administrator fixed the server URL. */
export async function serverUrlIsFixed(storage) {
  const managed = await storage.managed.get().catch(function () {
    return {};
  });
  return Boolean(managed && managed.serverUrl);
}
