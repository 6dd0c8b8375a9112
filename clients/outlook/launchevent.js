// The OnMessageSend handler Outlook runs when the user presses Send (manifest.xml: LaunchEvent
// FunctionName="onMessageSendHandler"). In the browser runtime (Outlook on the web, new Outlook,
// Mac) launchevent.html loads it as a module; classic Outlook on Windows runs the single script
// tools/build.mjs makes of it and its imports.

import { onServerFailure } from "../shared/mailwarden.js";
import { onMessageSend } from "./send-guard.js";
import { loadSettings } from "./settings.js";

function onMessageSendHandler(event) {
  const settings = loadSettings(Office.context.roamingSettings);
  onMessageSend({
    item: Office.context.mailbox.item,
    settings: settings,
    fetchFn: function (url, init) {
      return fetch(url, init);
    },
  })
    .then(function (completion) {
      event.completed(completion);
    })
    .catch(function (error) {
      // A fault of ours, not the server's: still the deployment's choice, never a stuck Send.
      const failure = onServerFailure(settings, error);
      event.completed(failure.allow ? { allowEvent: true } : { allowEvent: false, errorMessage: failure.message.slice(0, 500) });
    });
}

Office.actions.associate("onMessageSendHandler", onMessageSendHandler);
