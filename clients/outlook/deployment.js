// The deployment's settings, fixed by the administrator for everyone who gets the add-in.
// `npm run build -- --server-url URL [--on-failure open|closed]` writes this file into dist/;
// edit it here only for a test server. A user's own token (and a server URL, only when none is
// set here) come from the review pane's settings (settings.js).
export const DEPLOYMENT = Object.freeze({
  serverUrl: "",
  token: "",
  onFailure: "open",
  timeoutMs: 10000,
  maxRequestBytes: 25 * 1024 * 1024,
});
