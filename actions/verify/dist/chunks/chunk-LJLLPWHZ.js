import { createRequire as __moamCreateRequire } from 'node:module';
const require = __moamCreateRequire(import.meta.url);
import {
  __require
} from "./chunk-XT3TSCOP.js";

// require-builtin:fs/promises
var m = __require("node:fs/promises");
var promises_default = m;
var { access, appendFile, chmod, chown, constants, copyFile, cp, lchmod, lchown, link, lstat, lutimes, mkdir, mkdtemp, open, opendir, readFile, readdir, readlink, realpath, rename, rm, rmdir, stat, statfs, symlink, truncate, unlink, utimes, watch, writeFile } = m;

export {
  promises_default,
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  realpath,
  rm,
  stat,
  writeFile
};
