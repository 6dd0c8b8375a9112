// Thunderbird's own WebExtension schemas, as the `webext-schema` package ships them (fetched from
// comm-central and mozilla-central), and a checker for the subset of their format that a
// manifest and an API call need: types, properties, $ref, $import, $extend, choices, enum,
// pattern, min/max_manifest_version, onError, deprecated.
//
// Thunderbird = mozilla-central's toolkit schemas + comm-central's mail schemas (which win);
// Firefox's own browser/ schemas are left out, so a Firefox-only key or permission is an error.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

function schemaFile(channel) {
  const root = path.dirname(require.resolve("webext-schema/package.json"));
  return path.join(root, "schemas", channel, channel === "mail" ? "mailext.json" : "webext.json");
}

/** Mozilla-central's files in webext-schema: browser/ first, then toolkit/, each sorted. */
function toolkitFiles(central) {
  const names = Object.keys(central);
  const restart = names.findIndex((name, i) => i > 0 && name < names[i - 1]);
  const toolkit = names.slice(restart);
  for (const must of ["manifest.json", "storage.json", "permissions.json"]) {
    if (!toolkit.includes(must)) throw new Error(`webext-schema's layout changed: no toolkit ${must}`);
  }
  if (restart <= 0 || toolkit.includes("bookmarks.json")) throw new Error("webext-schema's layout changed");
  return toolkit;
}

/** The namespaces Thunderbird knows: name → {types, extends, functions, events, properties, permissions}. */
export function loadThunderbirdSchemas() {
  const central = JSON.parse(readFileSync(schemaFile("central"), "utf8"));
  const mail = JSON.parse(readFileSync(schemaFile("mail"), "utf8"));
  const files = {};
  for (const name of toolkitFiles(central)) files[name] = central[name];
  Object.assign(files, mail);
  const namespaces = new Map();
  for (const entries of Object.values(files)) {
    for (const entry of entries) {
      if (!namespaces.has(entry.namespace)) {
        namespaces.set(entry.namespace, {
          types: new Map(),
          extends: new Map(),
          functions: new Map(),
          events: new Map(),
          properties: new Map(),
          permissions: [],
        });
      }
      const ns = namespaces.get(entry.namespace);
      for (const type of entry.types || []) {
        if (type.id) ns.types.set(type.id, type);
        else if (type.$extend) ns.extends.set(type.$extend, (ns.extends.get(type.$extend) || []).concat([type]));
      }
      for (const fn of entry.functions || []) ns.functions.set(fn.name, fn);
      for (const event of entry.events || []) ns.events.set(event.name, event);
      for (const [name, value] of Object.entries(entry.properties || {})) ns.properties.set(name, value);
      for (const permission of entry.permissions || []) {
        if (!ns.permissions.includes(permission)) ns.permissions.push(permission);
      }
    }
  }
  return namespaces;
}

/** A type by id, with every $extend of it merged in (properties added, choices appended). */
function resolveType(namespaces, namespace, ref) {
  const [nsName, id] = ref.includes(".") ? [ref.slice(0, ref.lastIndexOf(".")), ref.slice(ref.lastIndexOf(".") + 1)] : [namespace, ref];
  const ns = namespaces.get(nsName);
  const base = ns && ns.types.get(id);
  if (!base) throw new Error(`the schemas have no type ${nsName}.${id}`);
  let type = Object.assign({}, base);
  if (type.$import) {
    const imported = resolveType(namespaces, nsName, type.$import).type;
    type = Object.assign({}, imported, type, { properties: Object.assign({}, imported.properties, type.properties) });
  }
  for (const extension of ns.extends.get(id) || []) {
    if (extension.properties) type.properties = Object.assign({}, type.properties, extension.properties);
    if (extension.choices) type.choices = (type.choices || []).concat(extension.choices);
  }
  return { type, namespace: nsName };
}

/**
 * Check a value against a schema; returns {errors, warnings}, each "path: what".
 * options: {namespaces, namespace, manifestVersion}.
 */
export function check(value, schema, where, options) {
  const found = { errors: [], warnings: [] };
  visit(value, schema, where, options.namespace || "manifest", options, found);
  return found;
}

function visit(value, schema, where, namespace, options, found) {
  const mv = options.manifestVersion || 2;
  if (schema.min_manifest_version && mv < schema.min_manifest_version) {
    return found.errors.push(`${where}: needs manifest_version ${schema.min_manifest_version}`);
  }
  if (schema.max_manifest_version && mv > schema.max_manifest_version) {
    return found.errors.push(`${where}: not allowed after manifest_version ${schema.max_manifest_version}`);
  }
  if (schema.deprecated) {
    found.warnings.push(`${where}: ${typeof schema.deprecated === "string" ? schema.deprecated : "deprecated"}`);
  }
  const inner = { errors: [], warnings: found.warnings };
  if (schema.$ref) {
    const resolved = resolveType(options.namespaces, namespace, schema.$ref);
    visit(value, resolved.type, where, resolved.namespace, options, inner);
  } else if (schema.choices) {
    const attempts = schema.choices.map((choice) => {
      const attempt = { errors: [], warnings: [] };
      visit(value, choice, where, namespace, options, attempt);
      return attempt;
    });
    // The choice that fits with the fewest warnings, and those (an unknown permission is one).
    const fit = attempts
      .filter((attempt) => attempt.errors.length === 0)
      .sort((a, b) => a.warnings.length - b.warnings.length)[0];
    if (fit) inner.warnings.push(...fit.warnings);
    else inner.errors.push(`${where}: ${JSON.stringify(value)} is none of the values the schema allows`);
  } else {
    typed(value, schema, where, namespace, options, inner);
  }
  if (schema.onError === "warn") found.warnings.push(...inner.errors);
  else found.errors.push(...inner.errors);
}

function typed(value, schema, where, namespace, options, found) {
  const kind = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
  switch (schema.type) {
    case undefined:
    case "any":
      return;
    case "object":
      if (kind !== "object") return found.errors.push(`${where}: must be an object`);
      return objectFields(value, schema, where, namespace, options, found);
    case "array":
      if (kind !== "array") return found.errors.push(`${where}: must be an array`);
      if (schema.minItems !== undefined && value.length < schema.minItems) found.errors.push(`${where}: too few items`);
      value.forEach((item, i) => schema.items && visit(item, schema.items, `${where}[${i}]`, namespace, options, found));
      return;
    case "string": {
      if (kind !== "string") return found.errors.push(`${where}: must be a string`);
      const names = (schema.enum || []).map((entry) => (typeof entry === "string" ? entry : entry.name));
      if (schema.enum && !names.includes(value)) return found.errors.push(`${where}: "${value}" is not one of ${names.join(", ")}`);
      if (schema.pattern && !mozillaPattern(schema.pattern).test(value)) found.errors.push(`${where}: "${value}" does not match ${schema.pattern}`);
      if (schema.minLength !== undefined && value.length < schema.minLength) found.errors.push(`${where}: too short`);
      if (schema.format === "strictRelativeUrl" && /^[a-z][a-z0-9+.-]*:|^\/\//i.test(value)) {
        found.errors.push(`${where}: must be a path inside the extension`);
      }
      return;
    }
    case "integer":
    case "number":
      if (kind !== "number" || (schema.type === "integer" && !Number.isInteger(value))) {
        return found.errors.push(`${where}: must be ${schema.type === "integer" ? "an integer" : "a number"}`);
      }
      if (schema.minimum !== undefined && value < schema.minimum) found.errors.push(`${where}: under ${schema.minimum}`);
      if (schema.maximum !== undefined && value > schema.maximum) found.errors.push(`${where}: over ${schema.maximum}`);
      return;
    case "boolean":
      if (kind !== "boolean") found.errors.push(`${where}: must be true or false`);
      return;
    default:
      found.errors.push(`${where}: the checker does not know type ${schema.type}`);
  }
}

function objectFields(value, schema, where, namespace, options, found) {
  const properties = schema.properties || {};
  for (const [name, property] of Object.entries(properties)) {
    if (value[name] === undefined && !property.optional && !outsideVersion(property, options)) {
      found.errors.push(`${where}.${name}: is required`);
    }
  }
  for (const [name, field] of Object.entries(value)) {
    const here = `${where}.${name}`;
    if (properties[name]) {
      visit(field, properties[name], here, namespace, options, found);
      continue;
    }
    const patterned = Object.entries(schema.patternProperties || {}).find(([pattern]) => mozillaPattern(pattern).test(name));
    if (patterned) visit(field, patterned[1], here, namespace, options, found);
    else if (schema.additionalProperties) visit(field, schema.additionalProperties, here, namespace, options, found);
    else found.errors.push(`${here}: is not a property the schema knows`);
  }
}

function outsideVersion(schema, options) {
  const mv = options.manifestVersion || 2;
  return (schema.min_manifest_version && mv < schema.min_manifest_version) || (schema.max_manifest_version && mv > schema.max_manifest_version);
}

/** Mozilla's patterns are JavaScript regexps, with a leading (?i) for case-insensitive. */
function mozillaPattern(pattern) {
  return pattern.startsWith("(?i)") ? new RegExp(pattern.slice(4), "i") : new RegExp(pattern);
}

/** A manifest.json checked against Thunderbird's WebExtensionManifest. */
export function checkManifest(manifest, namespaces) {
  return check(manifest, { $ref: "WebExtensionManifest" }, "manifest", {
    namespaces,
    namespace: "manifest",
    manifestVersion: manifest.manifest_version,
  });
}

/**
 * Each `messenger.<namespace>.<member>` the scripts use: is it in Thunderbird's schemas, and is
 * the permission it needs in the manifest? Returns problems as "file: what".
 */
export function checkApiUse(sources, manifest, namespaces) {
  const granted = new Set([...(manifest.permissions || []), ...(manifest.optional_permissions || [])]);
  const problems = [];
  const seen = [];
  for (const [file, text] of Object.entries(sources)) {
    for (const match of text.matchAll(/\b(?:messenger|browser)\.((?:[a-zA-Z]+\.)*?[a-zA-Z]+)\.([a-zA-Z]+)\b/g)) {
      const [, nsName, member] = match;
      const ns = namespaces.get(nsName);
      if (!ns) {
        // storage.local.get: "local" is a property of the storage namespace.
        const parent = namespaces.get(nsName.split(".")[0]);
        if (parent && parent.properties.has(nsName.split(".")[1])) {
          seen.push(`${nsName}.${member}`);
          needPermission(parent, nsName.split(".")[0], file, granted, problems);
          continue;
        }
        problems.push(`${file}: messenger.${nsName} is not a Thunderbird API`);
        continue;
      }
      const entry = ns.functions.get(member) || ns.events.get(member) || ns.properties.get(member);
      if (!entry) {
        problems.push(`${file}: messenger.${nsName}.${member} is not in Thunderbird's ${nsName} API`);
        continue;
      }
      seen.push(`${nsName}.${member}`);
      needPermission(ns, nsName, file, granted, problems);
      for (const permission of entry.permissions || []) {
        if (!granted.has(permission)) problems.push(`${file}: messenger.${nsName}.${member} needs the "${permission}" permission`);
      }
    }
  }
  return { problems, seen: [...new Set(seen)].sort() };
}

function needPermission(ns, nsName, file, granted, problems) {
  for (const permission of ns.permissions) {
    if (permission.startsWith("manifest:")) continue; // granted by a manifest key, not a permission
    if (!granted.has(permission)) problems.push(`${file}: messenger.${nsName} needs the "${permission}" permission`);
  }
}
