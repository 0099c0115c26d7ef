#!/usr/bin/env node
'use strict';
// Vendors the Node client (clients/node/src, ES modules) into lib/agentwire/ as CommonJS, the form
// every VS Code the extension supports can load: the extension is packed from this folder alone (the
// .vsix, scripts/install.sh's copy, a link into ~/.vscode/extensions), so it cannot reach
// clients/node, and a dynamic import() of an ES module fails in packaged VS Code builds of the 1.75
// era (their extension host loads extension code through vm.Script: ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
//
//   node scripts/vendor-client.js           writes lib/agentwire/
//   node scripts/vendor-client.js --check   exits 1 (saying which file) when lib/agentwire/ is stale
//
// The translation is mechanical and covers the forms the client's sources use (import {..} / * as /
// default from, export class/function/const, export {..} [from], export * from); any other import or
// export statement is an error, so a new form cannot be translated wrongly in silence.

const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const sourceDir = path.join(root, '..', '..', 'clients', 'node', 'src');
const targetDir = path.join(root, 'lib', 'agentwire');

/** `a, b as c` -> [['a', 'a'], ['b', 'c']] (imported or local name, exported or bound name). */
function specifiers(list) {
  return list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const match = /^([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$/.exec(item);
      if (!match) throw new Error(`cannot translate the specifier "${item}"`);
      return [match[1], match[2] || match[1]];
    });
}

/** The CommonJS translation of one ES module of the client. */
function toCommonJS(source, file) {
  const exported = [];
  let counter = 0;
  let out = source;
  const statement = (pattern, replace) => {
    out = out.replace(pattern, (...args) => replace(...args));
  };
  // import { a, b as c } from 'x';
  statement(/^import\s*\{([^}]*)\}\s*from\s*'([^']+)';[ \t]*$/gm, (_, list, from) => {
    const bindings = specifiers(list).map(([name, local]) => (name === local ? name : `${name}: ${local}`));
    return `const { ${bindings.join(', ')} } = require('${from}');`;
  });
  // import * as x from 'x';
  statement(/^import\s*\*\s*as\s+([A-Za-z_$][\w$]*)\s*from\s*'([^']+)';[ \t]*$/gm, (_, name, from) => `const ${name} = require('${from}');`);
  // import x from 'x'; (node built-ins only: their default export is the module)
  statement(/^import\s+([A-Za-z_$][\w$]*)\s+from\s*'(node:[^']+)';[ \t]*$/gm, (_, name, from) => `const ${name} = require('${from}');`);
  // export { a, b } from 'x';
  statement(/^export\s*\{([^}]*)\}\s*from\s*'([^']+)';[ \t]*$/gm, (_, list, from) => {
    const module = `__module${counter++}`;
    const lines = specifiers(list).map(([name, as]) => `exports.${as} = ${module}.${name};`);
    return `const ${module} = require('${from}');\n${lines.join('\n')}`;
  });
  // export * from 'x';
  statement(/^export\s*\*\s*from\s*'([^']+)';[ \t]*$/gm, (_, from) => `Object.assign(exports, require('${from}'));`);
  // export { a, b };
  statement(/^export\s*\{([^}]*)\};[ \t]*$/gm, (_, list) =>
    specifiers(list)
      .map(([name, as]) => `exports.${as} = ${name};`)
      .join('\n'),
  );
  // export class / function / async function / const / let
  statement(/^export\s+((?:async\s+)?function\*?|class|const|let)\s+([A-Za-z_$][\w$]*)/gm, (_, kind, name) => {
    exported.push(name);
    return `${kind} ${name}`;
  });
  // Left over: an import or export statement, a dynamic import() or import.meta in code (not comments).
  const code = out
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
    .join('\n');
  const leftover = /^\s*(import|export)\b.*$/m.exec(code) || /\bimport\s*\(|\bimport\.meta\b/.exec(code);
  if (leftover) throw new Error(`${file}: cannot translate "${leftover[0].trim()}"`);
  const tail = exported.length ? `\n${exported.map((name) => `exports.${name} = ${name};`).join('\n')}\n` : '';
  const header = `'use strict';\n// Generated from clients/node/src/${file} by editors/vscode/scripts/vendor-client.js: do not edit.\n// Edit the client there, then run \`node editors/vscode/scripts/vendor-client.js\`.\n\n`;
  return `${header}${out.replace(/\s*$/, '\n')}${tail}`;
}

/** What lib/agentwire/ must hold: file name -> content. */
function expectedFiles() {
  const files = new Map();
  for (const name of fs.readdirSync(sourceDir).filter((file) => file.endsWith('.js')).sort()) {
    files.set(name, toCommonJS(fs.readFileSync(path.join(sourceDir, name), 'utf8'), name));
  }
  return files;
}

/** The differences between lib/agentwire/ and the translation of clients/node/src (empty: up to date). */
function check() {
  if (!fs.existsSync(sourceDir)) return [`${sourceDir} is missing (run this from the repository)`];
  const problems = [];
  const expected = expectedFiles();
  const present = fs.existsSync(targetDir) ? fs.readdirSync(targetDir).sort() : [];
  for (const [name, content] of expected) {
    const file = path.join(targetDir, name);
    if (!fs.existsSync(file)) problems.push(`lib/agentwire/${name} is missing`);
    else if (fs.readFileSync(file, 'utf8') !== content) problems.push(`lib/agentwire/${name} is stale`);
  }
  for (const name of present) if (!expected.has(name)) problems.push(`lib/agentwire/${name} is not in clients/node/src`);
  return problems;
}

function write() {
  fs.rmSync(targetDir, { recursive: true, force: true });
  fs.mkdirSync(targetDir, { recursive: true });
  for (const [name, content] of expectedFiles()) fs.writeFileSync(path.join(targetDir, name), content);
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const problems = check();
    for (const problem of problems) console.error(`vendor-client: ${problem}`);
    if (problems.length) {
      console.error('vendor-client: run `node editors/vscode/scripts/vendor-client.js` to update');
      process.exit(1);
    }
    console.log('vendor-client: lib/agentwire/ is up to date with clients/node/src');
  } else {
    write();
    console.log(`vendor-client: wrote ${path.relative(process.cwd(), targetDir) || targetDir}`);
  }
}

module.exports = { toCommonJS, expectedFiles, check, write, sourceDir, targetDir };
