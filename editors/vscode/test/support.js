'use strict';
// Shared by the tests: where the agentwire binary is, and waiting for a condition.

const path = require('node:path');

/** The binary under test: $AGENTWIRE_BIN, else the repository's debug build. */
const binary = path.resolve(process.env.AGENTWIRE_BIN || path.join(__dirname, '../../../.build/debug/agentwire'));

/** Arguments that keep the tests off the user's run store and quiet. */
const serviceArgs = ['--store', 'memory', '--log-level', 'error'];

/** Resolves once `condition()` holds; rejects naming `what` after `ms`. */
async function waitFor(what, condition, ms = 10000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** 60 words, so that echo-slow streams for three seconds. */
const longInput = Array.from({ length: 60 }, (_, i) => `w${i + 1}`).join(' ');

module.exports = { binary, serviceArgs, waitFor, longInput };
