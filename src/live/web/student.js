// The student's page: join with the room code and a nickname, then poll the room and
// answer the open question. Plain ES5 and XMLHttpRequest so old phone browsers work; all
// text goes in with textContent, never as HTML.
(function () {
  'use strict';
  var key = null;
  try { key = window.sessionStorage.getItem('hv-key'); } catch (e) { key = null; }
  var shownIndex = -1;
  var chosen = [];
  var order = [];
  var last = '';

  var $ = hv.$;
  var text = hv.text;
  var plain = hv.plain;
  var req = hv.request;

  function remember(k) {
    key = k;
    try {
      if (k) { window.sessionStorage.setItem('hv-key', k); } else { window.sessionStorage.removeItem('hv-key'); }
    } catch (e) { /* private mode: the key lives only in this page */ }
  }

  $('join').onsubmit = function (ev) {
    ev.preventDefault();
    req('POST', '/api/join', { code: $('code').value, name: $('name').value }, function (status, data) {
      if (status === 200 && data && data.key) {
        remember(data.key);
        start();
      } else {
        text($('join-error'), data && data.error ? data.error : 'Could not join (' + status + ').');
      }
    });
  };

  function start() {
    $('join').hidden = true;
    $('play').hidden = false;
    poll();
  }

  function poll() {
    req('GET', '/api/state?k=' + encodeURIComponent(key), null, function (status, data) {
      if (status === 200 && data) {
        render(data);
        if (!data.over) { window.setTimeout(poll, 1000); }
      } else if (status === 403) {
        remember(null);
        $('join').hidden = false;
        $('play').hidden = true;
        text($('join-error'), data && data.error ? data.error : 'Join again.');
      } else {
        window.setTimeout(poll, 2000);
      }
    });
  }

  function clearQuestion() {
    text($('prompt'), '');
    $('options').innerHTML = '';
    $('send').hidden = true;
    shownIndex = -1;
  }

  function optionButton(label, i) {
    var b = document.createElement('button');
    b.className = 'option';
    b.type = 'button';
    text(b, label);
    b.setAttribute('data-i', String(i));
    return b;
  }

  function markChosen() {
    var buttons = $('options').getElementsByTagName('button');
    for (var j = 0; j < buttons.length; j++) {
      var i = Number(buttons[j].getAttribute('data-i'));
      var on = chosen.indexOf(i) >= 0;
      buttons[j].className = on ? 'option chosen' : 'option';
      buttons[j].setAttribute('aria-pressed', on ? 'true' : 'false');
    }
  }

  function buildOrder(q) {
    var box = $('options');
    box.innerHTML = '';
    for (var p = 0; p < order.length; p++) {
      var row = document.createElement('div');
      row.className = 'order-item';
      var label = document.createElement('span');
      text(label, (p + 1) + '. ' + q.options[q.order_ids.indexOf(order[p])]);
      var up = document.createElement('button');
      up.type = 'button';
      text(up, 'Up');
      up.setAttribute('aria-label', 'Move up');
      up.disabled = p === 0;
      up.onclick = (function (at) { return function () { swap(q, at, at - 1); }; }(p));
      var down = document.createElement('button');
      down.type = 'button';
      text(down, 'Down');
      down.setAttribute('aria-label', 'Move down');
      down.disabled = p === order.length - 1;
      down.onclick = (function (at) { return function () { swap(q, at, at + 1); }; }(p));
      row.appendChild(label);
      row.appendChild(up);
      row.appendChild(down);
      box.appendChild(row);
    }
  }

  function swap(q, a, b) {
    var t = order[a];
    order[a] = order[b];
    order[b] = t;
    buildOrder(q);
  }

  function buildOptions(q) {
    var box = $('options');
    box.innerHTML = '';
    chosen = [];
    if (q.form === 'order') {
      order = q.order_ids.slice();
      buildOrder(q);
    } else if (q.form === 'number') {
      var input = document.createElement('input');
      input.id = 'number';
      input.type = 'text';
      input.setAttribute('inputmode', 'decimal');
      input.setAttribute('aria-label', 'Your number');
      box.appendChild(input);
    } else {
      for (var i = 0; i < q.options.length; i++) {
        var b = optionButton(q.options[i], i);
        b.onclick = (function (at) {
          return function () {
            if (q.form === 'multiple') {
              var k = chosen.indexOf(at);
              if (k >= 0) { chosen.splice(k, 1); } else { chosen.push(at); }
            } else {
              chosen = [at];
            }
            markChosen();
          };
        }(i));
        box.appendChild(b);
      }
    }
    $('send').hidden = false;
    $('send').onclick = function () { send(q); };
  }

  function send(q) {
    var answer = null;
    if (q.form === 'single' || q.form === 'part') {
      if (chosen.length === 1) { answer = { Single: chosen[0] }; }
    } else if (q.form === 'multiple') {
      answer = { Multiple: chosen.slice().sort(function (a, b) { return a - b; }) };
    } else if (q.form === 'true_false') {
      if (chosen.length === 1) { answer = { TrueFalse: chosen[0] === 0 }; }
    } else if (q.form === 'order') {
      answer = { Order: order.slice() };
    } else if (q.form === 'number') {
      var x = parseFloat(String($('number').value).replace(',', '.'));
      if (isFinite(x)) { answer = { Predict: x }; }
    }
    if (answer === null) {
      text($('result'), 'Choose an answer first.');
      return;
    }
    $('send').disabled = true;
    req('POST', '/api/answer', { key: key, question: q.index, answer: answer }, function (status, data) {
      $('send').disabled = false;
      if (status !== 200) { text($('result'), data && data.error ? data.error : 'Not sent (' + status + ').'); }
      last = '';
    });
  }

  function setLocked(locked) {
    var buttons = $('options').getElementsByTagName('button');
    for (var j = 0; j < buttons.length; j++) { buttons[j].disabled = locked; }
    var n = $('number');
    if (n) { n.disabled = locked; }
    $('send').hidden = locked;
  }

  function render(s) {
    var json = JSON.stringify(s);
    if (json === last) { return; }
    last = json;
    text($('title'), s.title);
    text($('who'), s.name + ' · ' + s.score + ' right so far');
    if (s.over) {
      text($('status'), 'The quiz is over. Thank you!');
      clearQuestion();
      text($('result'), '');
      return;
    }
    var q = s.question;
    if (!q) {
      text($('status'), 'Waiting for the teacher to open a question.');
      clearQuestion();
      return;
    }
    text($('status'), 'Question ' + (q.index + 1) + ' of ' + q.total);
    if (q.index !== shownIndex) {
      shownIndex = q.index;
      text($('prompt'), plain(q.prompt));
      buildOptions(q);
      text($('result'), '');
    }
    setLocked(s.answered || s.revealed);
    var r = $('result');
    r.innerHTML = '';
    if (s.revealed) {
      var verdict = document.createElement('p');
      if (s.correct === true) { verdict.className = 'right'; text(verdict, 'Right!'); }
      else if (s.correct === false) { verdict.className = 'wrong'; text(verdict, 'Not this time.'); }
      else { text(verdict, 'You did not answer this one.'); }
      r.appendChild(verdict);
      var right = document.createElement('p');
      text(right, 'The answer: ' + plain(s.right || ''));
      r.appendChild(right);
      var dl = document.createElement('dl');
      dl.className = 'why';
      for (var i = 0; i < s.why.length; i++) {
        var dt = document.createElement('dt');
        text(dt, plain(s.why[i][0]));
        var dd = document.createElement('dd');
        text(dd, plain(s.why[i][1]));
        dl.appendChild(dt);
        dl.appendChild(dd);
      }
      r.appendChild(dl);
    } else if (s.answered) {
      text(r, 'Answer sent. Wait for the reveal.');
    }
  }

  if (key) { start(); }
}());
