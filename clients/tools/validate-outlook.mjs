// Validate the Outlook add-in's manifest.xml, offline.
//
// Microsoft's `office-addin-manifest validate` posts the XML to an online service, and no npm
// package ships the add-in manifest's XSD files, so this uses what does install and run here:
//   1. the XML parsed strictly (@xmldom/xmldom: any warning fails);
//   2. Microsoft's converter (office-addin-manifest-converter) turns it into the unified manifest
//      for Microsoft 365, as Microsoft's tools do before sideloading: a failure fails;
//   3. that JSON against the schema version it names, bundled in Microsoft's @microsoft/app-manifest;
//   4. what must agree with our code: the OnMessageSend event (SoftBlock, or Block for a fail-closed
//      build, never PromptUser) and its function name as launchevent.js registers it, the review
//      button's id as send-guard.js opens it, ReadWriteItem for the confirmation header, Mailbox
//      1.12 for OnMessageSend, and every URL a file of the site tools/build.mjs assembles.
//
//   node tools/validate-outlook.mjs [manifest.xml]     exit 1 on any error

import { DOMParser } from "@xmldom/xmldom";
import { AppManifestUtils } from "@microsoft/app-manifest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { assembleOutlook, CLIENTS } from "./build.mjs";
import { PANE_COMMAND_ID } from "../outlook/send-guard.js";

const require = createRequire(import.meta.url);
const { convert } = require("office-addin-manifest-converter/lib/main.js");

/** {errors, notes} for a manifest.xml. */
export async function validateOutlook(manifestPath) {
  const errors = [];
  const notes = [];
  const xml = readFileSync(manifestPath, "utf8");

  let doc;
  try {
    doc = strictParse(xml);
  } catch (error) {
    return { errors: [`XML: ${error.message}`], notes };
  }

  const scratch = mkdtempSync(path.join(os.tmpdir(), "mailwarden-outlook-"));
  try {
    let unified;
    try {
      await quietly(() => convert(manifestPath, path.join(scratch, "unified"), false, null, null, false));
      unified = JSON.parse(readFileSync(path.join(scratch, "unified", "manifest.json"), "utf8"));
    } catch (error) {
      return { errors: [`office-addin-manifest-converter: ${error.message}`], notes };
    }
    const version = /\/v(\d+\.\d+)\//.exec(unified.$schema || "");
    if (!version) return { errors: [`the converted manifest names no schema version: ${unified.$schema}`], notes };
    const schemaPath = path.join(
      path.dirname(require.resolve("@microsoft/app-manifest/package.json")),
      "build/json-schemas/teams",
      `v${version[1]}`,
      "MicrosoftTeams.schema.json",
    );
    const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
    const problems = await AppManifestUtils.validateAgainstSchema(unified, schema);
    errors.push(...problems.map((problem) => `unified manifest v${version[1]}: ${problem}`));
    notes.push(`converted by Microsoft's converter to the unified manifest v${version[1]}; its schema: ${problems.length} problems`);

    errors.push(...agreement(doc, unified, scratch));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { errors, notes };
}

function strictParse(xml) {
  const fail = (message) => {
    throw new Error(String(message).trim());
  };
  const doc = new DOMParser({ errorHandler: { warning: fail, error: fail, fatalError: fail } }).parseFromString(xml, "text/xml");
  if (!doc.documentElement || doc.documentElement.localName !== "OfficeApp") throw new Error("the root element is not OfficeApp");
  return doc;
}

async function quietly(work) {
  const saved = [console.log, console.info, console.warn];
  const said = [];
  console.log = console.info = console.warn = (...parts) => said.push(parts.join(" "));
  try {
    return await work();
  } catch (error) {
    error.message = [error.message, ...said.slice(-5)].join("; ");
    throw error;
  } finally {
    [console.log, console.info, console.warn] = saved;
  }
}

function elements(doc, name) {
  return Array.from(doc.getElementsByTagNameNS("*", name));
}

/** What the manifest must say for our code to work as written. */
function agreement(doc, unified, scratch) {
  const errors = [];
  const launch = elements(doc, "LaunchEvent").filter((e) => e.getAttribute("Type") === "OnMessageSend");
  if (launch.length !== 1) errors.push(`agreement: ${launch.length} OnMessageSend launch events, not 1`);
  const sendMode = launch.length ? launch[0].getAttribute("SendMode") : "";
  if (!["SoftBlock", "Block"].includes(sendMode)) {
    errors.push(`agreement: SendMode="${sendMode}": PromptUser's "Send Anyway" would skip the reason and the confirmation header`);
  }
  const registered = /Office\.actions\.associate\("([^"]+)"/.exec(readFileSync(path.join(CLIENTS, "outlook/launchevent.js"), "utf8"));
  const functionName = launch.length ? launch[0].getAttribute("FunctionName") : "";
  if (!registered || registered[1] !== functionName) {
    errors.push(`agreement: the manifest runs ${functionName}, launchevent.js registers ${registered && registered[1]}`);
  }
  const events = (unified.extensions || []).flatMap((extension) => extension.autoRunEvents || []).flatMap((run) => run.events);
  const sending = events.filter((event) => event.type === "messageSending");
  if (sending.length !== 1 || sending[0].actionId !== functionName) {
    errors.push("agreement: Microsoft's converter does not read one messageSending event running that function");
  }
  const controls = elements(doc, "Control").map((control) => control.getAttribute("id"));
  if (!controls.includes(PANE_COMMAND_ID)) {
    errors.push(`agreement: no button with id ${PANE_COMMAND_ID}, which the Smart Alerts dialog opens (send-guard.js)`);
  }
  const permissions = elements(doc, "Permissions").map((e) => e.textContent.trim());
  if (!permissions.includes("ReadWriteItem") && !permissions.includes("ReadWriteMailbox")) {
    errors.push("agreement: Permissions must be ReadWriteItem: the confirmation header is set on the draft");
  }
  const sets = elements(doc, "Sets").filter((e) => e.getAttribute("DefaultMinVersion"));
  if (!sets.some((e) => Number(e.getAttribute("DefaultMinVersion")) >= 1.12)) {
    errors.push("agreement: VersionOverrides must require Mailbox 1.12, which OnMessageSend needs");
  }
  errors.push(...urlsServed(doc, scratch));
  return errors;
}

/** Every URL in the manifest, under one base, is a file of the site build.mjs assembles for it. */
function urlsServed(doc, scratch) {
  const urls = [];
  for (const element of elements(doc, "*")) {
    const value = element.getAttribute("DefaultValue");
    if (value && /^https?:\/\//.test(value)) urls.push(value);
  }
  const base = /^https:\/\/[^/]+\/(?:[^?#]*\/)?(?=outlook\/)/.exec(urls.find((url) => url.includes("/outlook/")) || "");
  if (!base) return ["agreement: no https URL of the add-in's outlook/ folder"];
  const site = assembleOutlook(path.join(scratch, "site"), { baseUrl: base[0] });
  const errors = [];
  for (const url of urls) {
    if (!url.startsWith(base[0])) errors.push(`agreement: ${url} is not under ${base[0]}`);
    else if (!existsSync(path.join(site, url.slice(base[0].length)))) errors.push(`agreement: ${url} is not a file the build makes`);
  }
  return errors;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const manifest = path.resolve(process.argv[2] || path.join(CLIENTS, "outlook/manifest.xml"));
  const result = await validateOutlook(manifest);
  for (const note of result.notes) console.log(`  note: ${note}`);
  for (const error of result.errors) console.log(`  ERROR: ${error}`);
  console.log(`Outlook manifest ${path.relative(process.cwd(), manifest)}: ${result.errors.length ? "INVALID" : "valid"} (${result.errors.length} errors)`);
  process.exitCode = result.errors.length ? 1 : 0;
}
