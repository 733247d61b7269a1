import { createRequire as __moamCreateRequire } from 'node:module';
const require = __moamCreateRequire(import.meta.url);
import {
  __require
} from "./chunk-XT3TSCOP.js";

// require-builtin:stream
var m = __require("node:stream");
var stream_default = m;
var { Duplex, PassThrough, Readable, Stream, Transform, Writable, _isArrayBufferView, _isUint8Array, _uint8ArrayToBuffer, addAbortSignal, compose, destroy, duplexPair, finished, getDefaultHighWaterMark, isDestroyed, isDisturbed, isErrored, isReadable, isWritable, pipeline, promises, setDefaultHighWaterMark } = m;

// require-builtin:util
var m2 = __require("node:util");
var util_default = m2;
var { MIMEParams, MIMEType, TextDecoder, TextEncoder, _errnoException, _exceptionWithHostPort, _extend, aborted, callbackify, debug, debuglog, deprecate, format, formatWithOptions, getSystemErrorMap, getSystemErrorName, inherits, inspect, isArray, isBoolean, isBuffer, isDate, isDeepStrictEqual, isError, isFunction, isNull, isNullOrUndefined, isNumber, isObject, isPrimitive, isRegExp, isString, isSymbol, isUndefined, log, parseArgs, parseEnv, promisify, stripVTControlCharacters, styleText, toUSVString, transferableAbortController, transferableAbortSignal, types } = m2;

export {
  stream_default,
  PassThrough,
  Readable,
  Transform,
  pipeline,
  util_default,
  inspect,
  promisify
};
