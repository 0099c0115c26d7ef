// Newline-delimited JSON framing: bytes from the process's stdout in, one parsed message per line out.
//
// Two costs dominate a token stream on the client: decoding bytes to text and JSON.parse. Decoding
// takes the ASCII fast path (`buffer.isAscii`, then a latin1 copy) when a chunk has no multi-byte
// character and a StringDecoder otherwise; lines are cut from each chunk with indexOf and only a line
// that spans chunks is joined (once, from its pieces: never by repeated concatenation). `run/token` and
// `run/thinking` lines in the exact layout the server writes are read by a regular expression instead
// of JSON.parse (see MessageParser); every other line, and any token line that differs in the least,
// goes to JSON.parse.

import * as buffer from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';

const isAscii = typeof buffer.isAscii === 'function' ? buffer.isAscii : null;

/**
 * Cuts a byte stream into lines and parses each into a message: `onMessage(message)` gets every one,
 * `onBadLine(line, error)` each line that is not JSON.
 */
export class Framer {
  constructor(onMessage, onBadLine) {
    this.onMessage = onMessage;
    this.onBadLine = onBadLine;
    this.parser = new MessageParser();
    /** Pieces of a line that started in an earlier chunk. */
    this.parts = [];
    this.decoder = new StringDecoder('utf8');
    this.decoderUsed = false;
  }

  /** Adds a chunk (a Buffer, or a string). */
  push(chunk) {
    let text;
    if (typeof chunk === 'string') {
      text = chunk;
    } else if (isAscii !== null && isAscii(chunk)) {
      text = chunk.toString('latin1');
      // An ASCII chunk cannot continue a multi-byte character: flush what the decoder held.
      if (this.decoderUsed) {
        const held = this.decoder.end();
        this.decoderUsed = false;
        if (held.length !== 0) this.parts.push(held);
      }
    } else {
      text = this.decoder.write(chunk);
      this.decoderUsed = true;
    }
    let newline = text.indexOf('\n');
    if (newline === -1) {
      if (text.length !== 0) this.parts.push(text);
      return;
    }
    let start = 0;
    if (this.parts.length !== 0) {
      this.parts.push(text.slice(0, newline));
      const line = this.parts.join('');
      this.parts = [];
      this.line(line, 0, line.length);
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    while (newline !== -1) {
      if (newline > start) this.line(text, start, newline);
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    if (start < text.length) this.parts.push(text.slice(start));
  }

  /** Parses text[start, end) and hands the message on. */
  line(text, start, end) {
    let message = this.parser.token(text, start, end);
    if (message === null) {
      const line = text.slice(start, end);
      try {
        message = this.parser.parse(line);
      } catch (error) {
        this.onBadLine(line, error);
        return;
      }
    }
    this.onMessage(message);
  }

  /** The text of an unfinished last line, if any (at end of stream). */
  rest() {
    return this.parts.join('') + (this.decoderUsed ? this.decoder.end() : '');
  }
}

// A `run/token` or `run/thinking` line exactly as the server writes it, with no escape and no control
// character in its strings.
const TOKEN_LINE = /^\{"jsonrpc":"2\.0","method":"(run\/token|run\/thinking)","params":\{"runId":"([^"\\\x00-\x1f]+)","seq":([1-9][0-9]{0,14}),"agent":"([^"\\\x00-\x1f]*)","stepId":"([^"\\\x00-\x1f]*)","text":"([^"\\\x00-\x1f]*)"\}\}$/;
const KIND_AT = '{"jsonrpc":"2.0","method":"run/'.length;
/** Strings this long are slices of their chunk in V8: copied, so a kept token does not keep its chunk. */
const SLICED_LENGTH = 13;

/**
 * Parses lines into messages. A `run/token` or `run/thinking` line in exactly the server's layout,
 *
 *   {"jsonrpc":"2.0","method":"run/token","params":{"runId":"…","seq":N,"agent":"…","stepId":"…","text":"…"}}
 *
 * with no escape sequence in its strings, is read without JSON.parse, which costs several times more:
 * token() compares the line with the one before it (the same run, agent and step: everything up to
 * `"seq":` and from `,"agent"` to `"text":"` is the same text) and reads only the number and the text;
 * parse() reads other token lines with one regular expression. Run ids, agents and step ids are
 * interned, so a stream's events share one string of each. On any valid JSON line the object built is
 * the one JSON.parse would build (same members, same order, same values). Every other line, including
 * a token whose text has an escape, goes to JSON.parse.
 */
export class MessageParser {
  constructor() {
    this.strings = new Map();
    // The last token line read by parse(): its start up to the seq, and from the seq to the text.
    this.head = '';
    this.middle = '';
    this.method = '';
    this.runId = '';
    this.agent = '';
    this.stepId = '';
  }

  /**
   * text[start, end) as a message if it is a token line of the same run, agent and step as the last
   * one parse() read; otherwise null.
   */
  token(text, start, end) {
    const head = this.head;
    const headEnd = start + head.length;
    if (head.length === 0 || text.slice(start, headEnd) !== head) return null;
    let at = headEnd;
    let c = text.charCodeAt(at);
    if (c <= 48 || c > 57) return null;
    let seq = 0;
    do {
      seq = seq * 10 + (c - 48);
      c = text.charCodeAt(++at);
    } while (c >= 48 && c <= 57);
    const middle = this.middle;
    if (at - headEnd > 15 || text.slice(at, at + middle.length) !== middle) return null;
    const textStart = at + middle.length;
    const close = end - 3;
    if (
      close < textStart ||
      text.charCodeAt(end - 1) !== 125 ||
      text.charCodeAt(end - 2) !== 125 ||
      text.indexOf('"', textStart) !== close
    ) {
      return null;
    }
    let value = text.slice(textStart, close);
    if (value.indexOf('\\') !== -1) return null;
    if (value.length >= SLICED_LENGTH) value = JSON.parse(`"${value}"`);
    return {
      jsonrpc: '2.0',
      method: this.method,
      params: { runId: this.runId, seq, agent: this.agent, stepId: this.stepId, text: value },
    };
  }

  /** Parses a line. */
  parse(line) {
    const kind = line.charCodeAt(KIND_AT);
    if (kind === 116 /* t */ || kind === 104 /* h */) {
      const match = TOKEN_LINE.exec(line);
      if (match !== null) {
        const method = match[1];
        const runId = this.intern(match[2]);
        const agent = this.intern(match[4]);
        const stepId = this.intern(match[5]);
        let text = match[6];
        if (text.length >= SLICED_LENGTH) text = JSON.parse(`"${text}"`);
        this.method = method;
        this.runId = runId;
        this.agent = agent;
        this.stepId = stepId;
        this.head = `{"jsonrpc":"2.0","method":"${method}","params":{"runId":"${runId}","seq":`;
        this.middle = `,"agent":"${agent}","stepId":"${stepId}","text":"`;
        return { jsonrpc: '2.0', method, params: { runId, seq: +match[3], agent, stepId, text } };
      }
    }
    return JSON.parse(line);
  }

  /** The one copy of `value` (a string without escapes) this parser hands out. */
  intern(value) {
    let known = this.strings.get(value);
    if (known === undefined) {
      known = value.length >= SLICED_LENGTH ? JSON.parse(`"${value}"`) : value;
      if (this.strings.size >= 4096) this.strings.clear();
      this.strings.set(known, known);
    }
    return known;
  }
}
