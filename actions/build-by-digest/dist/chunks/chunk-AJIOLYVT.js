import { createRequire as __moamCreateRequire } from 'node:module';
const require = __moamCreateRequire(import.meta.url);
import {
  __require
} from "./chunk-XT3TSCOP.js";

// require-builtin:stream
var m = __require("node:stream");
var stream_default = m;
var { Duplex, PassThrough, Readable, Stream, Transform, Writable, _isArrayBufferView, _isUint8Array, _uint8ArrayToBuffer, addAbortSignal, compose, destroy, duplexPair, finished, getDefaultHighWaterMark, isDestroyed, isDisturbed, isErrored, isReadable, isWritable, pipeline, promises, setDefaultHighWaterMark } = m;

export {
  stream_default,
  PassThrough,
  Readable,
  Transform,
  pipeline
};
