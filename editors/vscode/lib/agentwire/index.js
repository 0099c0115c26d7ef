'use strict';
// Generated from clients/node/src/index.js by editors/vscode/scripts/vendor-client.js: do not edit.
// Edit the client there, then run `node editors/vscode/scripts/vendor-client.js`.

// AgentWire for Node: spawn `agentwire serve`, stream runs as async iterators. See README.md.

const __module0 = require('./client.js');
exports.connect = __module0.connect;
exports.AgentWire = __module0.AgentWire;
exports.Session = __module0.Session;
const __module1 = require('./stream.js');
exports.RunStream = __module1.RunStream;
const __module2 = require('./framing.js');
exports.Framer = __module2.Framer;
exports.MessageParser = __module2.MessageParser;
Object.assign(exports, require('./errors.js'));
const __module3 = require('./version.js');
exports.VERSION = __module3.VERSION;
