'use strict';
// The .vsix that `code --install-extension` takes.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { execFileSync } = require('node:child_process');
const { pack, extensionFiles } = require('../scripts/package');
const manifest = require('../package.json');

/** The entries of a zip archive, read through its central directory: name -> contents. */
function unzip(archive) {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(archive.readUInt32LE(at), 0x02014b50);
    const size = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const local = archive.readUInt32LE(at + 42);
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataStart = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    entries.set(name, zlib.inflateRawSync(archive.subarray(dataStart, dataStart + size)));
    at += 46 + nameLength;
  }
  return entries;
}

test('the .vsix holds the manifest, every source file and the vendored client', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentwire-vsix-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = pack(dir);
  assert.equal(path.basename(file), `agentwire-${manifest.version}.vsix`);
  const entries = unzip(fs.readFileSync(file));
  const root = path.join(__dirname, '..');
  const files = extensionFiles();
  for (const source of ['package.json', 'README.md', 'src/runs.js', 'src/extension.js', 'lib/agentwire/index.js', 'lib/agentwire/client.js']) {
    assert.ok(files.includes(source), source);
  }
  // Every file shipped, and nothing else: the extension's sources and the vendored client.
  assert.deepEqual(
    [...entries.keys()].filter((name) => name.startsWith('extension/')).sort(),
    files.map((file) => `extension/${file}`).sort(),
  );
  for (const source of files) {
    assert.deepEqual(entries.get(`extension/${source}`), fs.readFileSync(path.join(root, source)), source);
  }
  assert.ok(!files.some((file) => file.startsWith('test/') || file.startsWith('scripts/')));
  const vsixManifest = entries.get('extension.vsixmanifest').toString('utf8');
  assert.ok(
    vsixManifest.includes(`<Identity Language="en-US" Id="agentwire" Version="${manifest.version}" Publisher="agentwire" />`),
    vsixManifest,
  );
  assert.match(vsixManifest, /Value="\^1\.75\.0"/);
  assert.ok(entries.has('[Content_Types].xml'));
  // An independent reader agrees, where one is installed.
  let unzipFound = true;
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
  } catch {
    unzipFound = false;
  }
  if (unzipFound) execFileSync('unzip', ['-tq', file], { stdio: 'pipe' });
});

test('the extension unpacked from the .vsix loads its client and runs without the repository', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentwire-vsix-load-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const entries = unzip(fs.readFileSync(pack(dir)));
  for (const [name, data] of entries) {
    if (!name.startsWith('extension/')) continue;
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), data);
  }
  const { connect } = require(path.join(dir, 'extension', 'lib', 'agentwire'));
  const { binary } = require('./support');
  const aw = await connect({ binary, store: 'memory', logLevel: 'error' });
  t.after(() => aw.close());
  assert.equal((await aw.run('echo', 'from the vsix')).output, 'from the vsix');
});
