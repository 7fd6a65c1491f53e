'use strict';
// process.env.IN_COMMENT is not a read
/* nor process.env.IN_BLOCK */
const s = "process.env.IN_STRING";
const mode = process.env.NODE_ENV || 'development';
const dbg = process.env.DEBUG ?? false;
if (process.env.NODE_ENV === 'production') {
  module.exports = require('./prod');
}
const t = `${process.env.HOME}/x ${'a'} process.env.IN_TEMPLATE_TEXT`;
const re = /process.env.IN_REGEX/g.test(s);
const half = mode.length / 2;
const a = x || process.env.LEFT_IS_BINARY || 'd';
function f() { return process.env.RETURNED || 'x'; }
const o = { key: process.env.IN_OBJECT ?? 'y', n: !process.env.NEGATED || 1 };
process.env.ASSIGNED = 'v';
const trimmed = process.env.TRIMMED.trim() || 'z';
process.exit(0);
