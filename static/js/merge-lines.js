// A three-way merge by line, for the section editor (editor.js): the server merged what autosave
// sent with someone else's edit while the person kept typing; this brings their new typing onto
// the merged text. It returns null when that is not clear-cut: the next save then goes to the
// server from the old base, which merges or shows the clash. Without this file editor.js
// always lets the server judge.
(function () {
  "use strict";

  function splitLines(text) {
    var lines = [];
    var start = 0;
    for (var i = 0; i < text.length; i++) {
      if (text.charAt(i) === "\n") {
        lines.push(text.slice(start, i + 1));
        start = i + 1;
      }
    }
    if (start < text.length) lines.push(text.slice(start));
    return lines;
  }

  function commonLines(a, b) {
    var n = a.length;
    var m = b.length;
    if (n * m > 4000000) return null;
    var table = [];
    for (var row = 0; row <= n; row++) table.push(new Uint32Array(m + 1));
    for (var i = n - 1; i >= 0; i--) {
      for (var j = m - 1; j >= 0; j--) {
        table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    var pairs = {};
    i = 0;
    j = 0;
    while (i < n && j < m) {
      if (a[i] === b[j]) {
        pairs[i] = j;
        i++;
        j++;
      } else if (table[i + 1][j] >= table[i][j + 1]) {
        i++;
      } else {
        j++;
      }
    }
    return pairs;
  }

  function mergeThree(base, ours, theirs) {
    if (ours === theirs || theirs === base) return ours;
    if (ours === base) return theirs;
    var o = splitLines(base);
    var a = splitLines(ours);
    var b = splitLines(theirs);
    var inA = commonLines(o, a);
    var inB = commonLines(o, b);
    if (!inA || !inB) return null;
    var out = [];
    var io = 0;
    var ia = 0;
    var ib = 0;
    function chunk(eo, ea, eb) {
      var co = o.slice(io, eo).join("");
      var ca = a.slice(ia, ea).join("");
      var cb = b.slice(ib, eb).join("");
      if (ca === co) out.push(cb);
      else if (cb === co || ca === cb) out.push(ca);
      else return false;
      return true;
    }
    for (var k = 0; k < o.length; k++) {
      if (k in inA && k in inB && inA[k] >= ia && inB[k] >= ib) {
        if (!chunk(k, inA[k], inB[k])) return null;
        out.push(o[k]);
        io = k + 1;
        ia = inA[k] + 1;
        ib = inB[k] + 1;
      }
    }
    if (!chunk(o.length, a.length, b.length)) return null;
    return out.join("");
  }

  window.ConsultMerge = { mergeThree: mergeThree };
})();
