// Shared by the student's and the teacher's pages: a JSON request and text helpers.
// Plain ES5 for old phone browsers; text always goes in with textContent.
var hv = (function () {
  'use strict';
  return {
    $: function (id) { return document.getElementById(id); },
    text: function (el, t) { el.textContent = t === null || t === undefined ? '' : String(t); },
    plain: function (md) { return String(md).replace(/\*\*|`/g, ''); },
    request: function (method, url, body, done) {
      var x = new XMLHttpRequest();
      x.open(method, url, true);
      if (body) { x.setRequestHeader('Content-Type', 'application/json'); }
      x.timeout = 8000;
      x.onreadystatechange = function () {
        if (x.readyState !== 4) { return; }
        var data = null;
        try { data = JSON.parse(x.responseText); } catch (e) { data = null; }
        done(x.status, data);
      };
      x.send(body ? JSON.stringify(body) : null);
    }
  };
}());
