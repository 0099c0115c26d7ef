// AgentWire for Node: spawn `agentwire serve`, stream runs as async iterators. See README.md.

export { connect, AgentWire, Session } from './client.js';
export { RunStream } from './stream.js';
export { Framer, MessageParser } from './framing.js';
export * from './errors.js';
export { VERSION } from './version.js';
