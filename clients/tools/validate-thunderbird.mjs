// Validate the Thunderbird MailExtension, offline, as it is shipped (the .xpi's files):
//   1. Mozilla's addons-linter (what `web-ext lint` runs): its errors fail. It knows Firefox's
//      schemas only, so it warns about Thunderbird-only permissions; such a warning passes only
//      when Thunderbird's own schema (step 2) accepts that permission.
//   2. manifest.json against Thunderbird's WebExtensionManifest (webext-schema: comm-central +
//      mozilla-central toolkit), every key and permission; what Thunderbird would only warn of
//      (and then ignore) fails too.
//   3. Every messenger.* call in the scripts exists in Thunderbird's API, with its permission.
//   4. Every page, script, import and icon the manifest reaches is a file inside the extension.
//
//   node tools/validate-thunderbird.mjs [thunderbird-dir]     exit 1 on any error

import linter from "addons-linter";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CLIENTS, zipDirectory } from "./build.mjs";
import { checkApiUse, checkManifest, loadThunderbirdSchemas } from "./mozilla-schema.mjs";

// addons-linter warnings that say "Firefox does not know this", each with why it passes.
const FIREFOX_ONLY = {
  MANIFEST_PERMISSIONS: "a Thunderbird permission Firefox's schema lacks (accepted only if Thunderbird's schema has it)",
  KEY_FIREFOX_ANDROID_UNSUPPORTED_BY_MIN_VERSION: "Firefox for Android's versions; MailExtensions run in desktop Thunderbird only",
};

/** {errors, warnings, notes} for an extension directory (clients/thunderbird or a copy of it). */
export async function validateThunderbird(sourceDir) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "mailwarden-tb-"));
  try {
    // As shipped: the shared/ link replaced by its files, as tools/build.mjs does.
    const unpacked = path.join(scratch, "unpacked");
    cpSync(sourceDir, unpacked, { recursive: true, dereference: true });
    const xpi = zipDirectory(unpacked, path.join(scratch, "mailwarden.xpi"));
    const errors = [];
    const warnings = [];
    const notes = [];

    const manifest = JSON.parse(readFileSync(path.join(unpacked, "manifest.json"), "utf8"));
    const namespaces = loadThunderbirdSchemas();
    const schema = checkManifest(manifest, namespaces);
    // Thunderbird only warns of an unknown key or permission and loads the add-in without it;
    // for us that is an add-in that does not work: an error.
    errors.push(...schema.errors.map((e) => `Thunderbird schema: ${e}`));
    errors.push(...schema.warnings.map((w) => `Thunderbird schema (Thunderbird would ignore it): ${w}`));

    const sources = {};
    for (const file of readdirSync(unpacked, { recursive: true })) {
      if (String(file).endsWith(".js")) sources[file] = readFileSync(path.join(unpacked, file), "utf8");
    }
    const api = checkApiUse(sources, manifest, namespaces);
    errors.push(...api.problems.map((p) => `Thunderbird API: ${p}`));
    notes.push(`Thunderbird API calls found in its schemas: ${api.seen.join(", ")}`);

    errors.push(...missingFiles(unpacked, manifest));

    const lint = await runLinter(xpi);
    const thunderbirdPermissions = new Set(
      schema.errors.length || schema.warnings.length ? [] : [...(manifest.permissions || []), ...(manifest.optional_permissions || [])],
    );
    for (const message of lint.errors) errors.push(`addons-linter ${message.code}: ${message.message} (${message.file || ""})`);
    for (const message of lint.warnings) {
      const text = `addons-linter ${message.code}: ${message.message}`;
      const permission = /"([^"]+)"/.exec(message.message);
      const passes =
        message.code === "MANIFEST_PERMISSIONS"
          ? Boolean(permission && thunderbirdPermissions.has(permission[1]))
          : Boolean(FIREFOX_ONLY[message.code]);
      if (passes) {
        notes.push(`${text}: ${FIREFOX_ONLY[message.code]}`);
      } else {
        errors.push(`${text} (${message.file || ""})`);
      }
    }
    notes.push(`addons-linter: ${lint.errors.length} errors, ${lint.warnings.length} warnings, ${lint.notices.length} notices`);
    return { errors, warnings, notes };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function runLinter(xpi) {
  const instance = linter.createInstance({
    config: {
      _: [xpi],
      logLevel: "fatal",
      stack: false,
      pretty: false,
      warningsAsErrors: false,
      metadata: false,
      output: "none",
      boring: true,
      selfHosted: false,
    },
    runAsBinary: false,
  });
  return instance.run();
}

/** Pages, scripts (and their imports), styles and icons that are not files in the extension. */
function missingFiles(root, manifest) {
  const problems = [];
  const pending = [];
  if (manifest.background && manifest.background.page) pending.push(manifest.background.page);
  for (const script of (manifest.background && manifest.background.scripts) || []) pending.push(script);
  if (manifest.options_ui) pending.push(manifest.options_ui.page);
  for (const icon of Object.values(manifest.icons || {})) pending.push(icon);
  const seen = new Set();
  while (pending.length) {
    const file = path.normalize(pending.pop());
    if (seen.has(file)) continue;
    seen.add(file);
    const full = path.join(root, file);
    if (file.startsWith("..") || !existsSync(full)) {
      problems.push(`file: ${file} is loaded but is not inside the extension`);
      continue;
    }
    const text = /\.(html|js)$/.test(file) ? readFileSync(full, "utf8") : "";
    const links = [
      ...text.matchAll(/<script[^>]*\ssrc="([^"]+)"/g),
      ...text.matchAll(/<link[^>]*\shref="([^"]+)"/g),
      ...text.matchAll(/^import\b[\s\S]*?from\s+"([^"]+)";$/gm),
      ...text.matchAll(/windows\.create\(\{[\s\S]*?url:\s*"([^"?]+)/g),
    ];
    for (const link of links) pending.push(path.join(path.dirname(file), link[1]));
  }
  return problems;
}

function report(result) {
  for (const note of result.notes) console.log(`  note: ${note}`);
  for (const warning of result.warnings) console.log(`  warning: ${warning}`);
  for (const error of result.errors) console.log(`  ERROR: ${error}`);
  console.log(`Thunderbird MailExtension: ${result.errors.length ? "INVALID" : "valid"} (${result.errors.length} errors)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] || path.join(CLIENTS, "thunderbird"));
  const result = await validateThunderbird(dir);
  report(result);
  process.exitCode = result.errors.length ? 1 : 0;
}
