// The package: generated files up to date, one version everywhere, exports, declarations that compile.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as index from '../src/index.js';
import { binary, repoRoot } from './support.js';

const packageRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8'));
const generator = path.join(packageRoot, 'scripts', 'generate-types.mjs');

test('types.d.ts, src/errors.js and src/version.js are what the schema generates', () => {
  const run = spawnSync(process.execPath, [generator, '--check'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
});

test('--check fails, naming the file, when a generated file is stale', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'agentwire-generate-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const copy = (relative) => {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, relative), path.join(root, relative));
  };
  for (const file of ['schemas/openrpc.json', 'clients/node/package.json', 'clients/node/scripts/generate-types.mjs', 'clients/node/types.d.ts', 'clients/node/src/errors.js', 'clients/node/src/version.js']) copy(file);
  const check = () => spawnSync(process.execPath, [path.join(root, 'clients/node/scripts/generate-types.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(check().status, 0);
  const schemaFile = path.join(root, 'schemas/openrpc.json');
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
  schema.components.errors.Teapot = { code: -32418, message: 'Teapot' };
  fs.writeFileSync(schemaFile, JSON.stringify(schema));
  const stale = check();
  assert.equal(stale.status, 1);
  assert.match(stale.stderr, /clients\/node\/types\.d\.ts is stale/);
  assert.match(stale.stderr, /clients\/node\/src\/errors\.js is stale/);
  // Writing brings them up to date.
  assert.equal(spawnSync(process.execPath, [path.join(root, 'clients/node/scripts/generate-types.mjs')]).status, 0);
  assert.equal(check().status, 0);
  assert.match(fs.readFileSync(path.join(root, 'clients/node/src/errors.js'), 'utf8'), /export class TeapotError extends AgentWireError/);
});

test('one version: package.json, VERSION, the schema and agentwire --version', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas', 'openrpc.json'), 'utf8'));
  assert.equal(manifest.version, schema.info.version);
  assert.equal(index.VERSION, manifest.version);
  assert.equal(execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim(), manifest.version);
});

test('package.json: ESM, exports with types, engines, no dependencies', async () => {
  assert.equal(manifest.name, 'agentwire');
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.types, './index.d.ts');
  assert.deepEqual(manifest.exports['.'], { types: './index.d.ts', default: './src/index.js' });
  assert.deepEqual(manifest.engines, { node: '>=18' });
  assert.equal(manifest.dependencies, undefined);
  assert.equal(manifest.devDependencies, undefined);
  for (const file of [manifest.types, 'types.d.ts', manifest.exports['.'].default]) assert.ok(fs.existsSync(path.join(packageRoot, file)), file);
  // The package imports itself by name through `exports`.
  const self = await import('agentwire');
  assert.equal(self.connect, index.connect);
  for (const name of ['connect', 'AgentWire', 'RunStream', 'Session', 'AgentWireError', 'ConnectionError', 'errorFromWire', 'ErrorCode', 'VERSION']) {
    assert.ok(name in self, name);
  }
});

test('the declarations compile with tsc --strict against the README\'s kind of use', (t) => {
  const tsc = spawnSync('tsc', ['--version'], { encoding: 'utf8' });
  if (tsc.status !== 0) {
    t.skip('tsc is not installed (apt-get install node-typescript)');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentwire-tsc-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'es2022',
      lib: ['es2022', 'dom'],
      module: 'es2022',
      moduleResolution: 'node',
      baseUrl: packageRoot,
      paths: { agentwire: ['index.d.ts'] },
      types: [],
    },
    files: [path.join(packageRoot, 'test/types/usage.ts'), path.join(packageRoot, 'test/types/node-stub.d.ts')],
  };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config));
  const run = spawnSync('tsc', ['-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
});

test('every export of the package is declared', () => {
  const declarations = fs.readFileSync(path.join(packageRoot, 'index.d.ts'), 'utf8') + fs.readFileSync(path.join(packageRoot, 'types.d.ts'), 'utf8');
  for (const name of Object.keys(index)) {
    assert.match(declarations, new RegExp(`export declare (class|function|const) ${name}\\b`), name);
  }
});
