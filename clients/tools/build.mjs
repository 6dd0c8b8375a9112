// Build what a deployment installs, into dist/:
//   dist/outlook-site/   the Outlook add-in's files to host at --base-url, with its manifest.xml
//                        pointing there, deployment.js carrying --server-url and --on-failure, and
//                        outlook/launchevent.classic.js for classic Outlook on Windows
//   dist/thunderbird/    the MailExtension unpacked (shared/ copied in), and
//   dist/mailwarden-thunderbird.xpi  the same, zipped, to install in Thunderbird
//
//   node tools/build.mjs [--base-url https://addins.example.org/mailwarden/]
//                        [--server-url https://mailwarden.example.org] [--on-failure open|closed]
//
// No bundler: the classic Outlook runtime takes one plain script, so classicScript() joins our
// modules in import order, with their import lines dropped and `export` words removed.

import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { crc32, deflateRawSync } from "node:zlib";

export const CLIENTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DEV_BASE_URL = "https://localhost:3000/";

// The classic script's modules, each after the ones it imports.
const CLASSIC_MODULES = [
  "shared/mailwarden.js",
  "outlook/deployment.js",
  "outlook/settings.js",
  "outlook/office-draft.js",
  "outlook/send-guard.js",
  "outlook/launchevent.js",
];

/** One plain script of the OnMessageSend handler and everything it imports. */
export function classicScript(root = CLIENTS) {
  const parts = CLASSIC_MODULES.map((file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    const imports = text.match(/^import\b[\s\S]*?;$/gm) || [];
    for (const statement of imports) {
      const from = /from\s+"([^"]+)"/.exec(statement);
      if (/\bas\b|\*/.test(statement) || !from) throw new Error(`${file}: only plain named imports can be joined: ${statement}`);
      const target = path.join(path.dirname(file), from[1]);
      if (CLASSIC_MODULES.indexOf(target) === -1 || CLASSIC_MODULES.indexOf(target) > CLASSIC_MODULES.indexOf(file)) {
        throw new Error(`${file}: imports ${target}, which is not joined before it`);
      }
    }
    const body = text.replace(/^import\b[\s\S]*?;$/gm, "").replace(/^export (?=(async )?function|const|class|let)/gm, "");
    if (/^\s*export\b/m.test(body)) throw new Error(`${file}: an export form the join does not handle`);
    return `// ── ${file} ──\n${body.trim()}\n`;
  });
  return `// mailwarden's OnMessageSend handler for classic Outlook on Windows, joined by tools/build.mjs.\n(function () {\n"use strict";\n${parts.join("\n")}})();\n`;
}

/** The Outlook site: outlook/ and shared/, with this deployment's URLs and settings. */
export function assembleOutlook(outDir, options = {}) {
  const baseUrl = withSlash(options.baseUrl || DEV_BASE_URL);
  rmSync(outDir, { recursive: true, force: true });
  cpSync(path.join(CLIENTS, "outlook"), path.join(outDir, "outlook"), { recursive: true, dereference: true });
  cpSync(path.join(CLIENTS, "shared"), path.join(outDir, "shared"), { recursive: true, dereference: true });
  const manifest = readFileSync(path.join(CLIENTS, "outlook/manifest.xml"), "utf8")
    .split(DEV_BASE_URL)
    .join(baseUrl)
    .replace('SendMode="SoftBlock"', options.onFailure === "closed" ? 'SendMode="Block"' : 'SendMode="SoftBlock"');
  writeFileSync(path.join(outDir, "outlook/manifest.xml"), manifest);
  if (options.serverUrl || options.onFailure) {
    const deployment = readFileSync(path.join(CLIENTS, "outlook/deployment.js"), "utf8")
      .replace(/serverUrl: "[^"]*"/, `serverUrl: ${JSON.stringify(options.serverUrl || "")}`)
      .replace(/onFailure: "[^"]*"/, `onFailure: ${JSON.stringify(options.onFailure || "open")}`);
    writeFileSync(path.join(outDir, "outlook/deployment.js"), deployment);
  }
  writeFileSync(path.join(outDir, "outlook/launchevent.classic.js"), classicScript(outDir));
  return outDir;
}

/** The MailExtension unpacked, its shared/ link replaced by the files. */
export function assembleThunderbird(outDir) {
  rmSync(outDir, { recursive: true, force: true });
  cpSync(path.join(CLIENTS, "thunderbird"), outDir, { recursive: true, dereference: true });
  return outDir;
}

/** A zip (an .xpi) of a directory, stored with deflate, paths with forward slashes. */
export function zipDirectory(dir, zipPath) {
  const entries = [];
  const walk = (at) => {
    for (const name of readdirSync(at).sort()) {
      const full = path.join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else entries.push(full);
    }
  };
  walk(dir);
  const local = [];
  const central = [];
  let offset = 0;
  for (const full of entries) {
    const name = Buffer.from(path.relative(dir, full).split(path.sep).join("/"));
    const data = readFileSync(full);
    const packed = deflateRawSync(data, { level: 9 });
    const sum = crc32(data);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0800, 6); // names in UTF-8
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00: builds are reproducible
    header.writeUInt32LE(sum, 14);
    header.writeUInt32LE(packed.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(name.length, 26);
    local.push(header, name, packed);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(0x00210000, 12);
    entry.writeUInt32LE(sum, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += header.length + name.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(zipPath, Buffer.concat([...local, directory, end]));
  return zipPath;
}

function withSlash(url) {
  const parsed = new URL(url);
  if (parsed.protocol !== "https:") throw new Error(`--base-url must be https (Office loads add-ins over https only): ${url}`);
  return parsed.href.endsWith("/") ? parsed.href : parsed.href + "/";
}

function parseArguments(argv) {
  const options = {};
  const names = { "--base-url": "baseUrl", "--server-url": "serverUrl", "--on-failure": "onFailure" };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    if (!names[flag]) throw new Error(`unknown option ${flag}; known: ${Object.keys(names).join(", ")}`);
    options[names[flag]] = inline !== undefined ? inline : argv[++i];
  }
  if (options.onFailure && !["open", "closed"].includes(options.onFailure)) throw new Error("--on-failure is open or closed");
  return options;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options = parseArguments(process.argv.slice(2));
  const dist = path.join(CLIENTS, "dist");
  mkdirSync(dist, { recursive: true });
  assembleOutlook(path.join(dist, "outlook-site"), options);
  zipDirectory(assembleThunderbird(path.join(dist, "thunderbird")), path.join(dist, "mailwarden-thunderbird.xpi"));
  console.log(`Built ${path.relative(process.cwd(), dist)}/: outlook-site/ (host it at ${options.baseUrl || DEV_BASE_URL}), thunderbird/, mailwarden-thunderbird.xpi`);
}
