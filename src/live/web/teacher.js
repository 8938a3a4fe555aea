// The teacher's page: drives the session (next, reveal, end) and shows the tally. Its
// address carries the teacher's token; every request sends it back.
(function () {
  'use strict';
  var token = '';
  var m = /[?&]t=([^&]*)/.exec(window.location.search);
  if (m) { token = decodeURIComponent(m[1]); }
  var q = '?t=' + encodeURIComponent(token);

  var $ = hv.$;
  var text = hv.text;
  var plain = hv.plain;
  function req(method, path, done) { hv.request(method, path + q, null, done); }

  function render(s) {
    text($('title'), 'Live quiz: ' + s.title);
    text($('code'), s.code);
    text($('joined'), s.tally.joined + ' joined');
    var list = $('tally');
    list.innerHTML = '';
    $('why').innerHTML = '';
    if (s.over) {
      text($('status'), 'The quiz is over. Download the results below.');
    } else if (!s.question) {
      text($('status'), 'No question open yet: press Next question.');
    } else {
      text($('status'), 'Question ' + (s.question.index + 1) + ' of ' + s.total + ' · ' +
        s.tally.answered + ' of ' + s.tally.joined + ' answered' + (s.revealed ? ' · ' + s.tally.right + ' right' : ''));
    }
    text($('prompt'), s.question ? plain(s.question.prompt) : '');
    if (s.question && s.revealed) {
      for (var i = 0; i < s.tally.per_option.length; i++) {
        var li = document.createElement('li');
        text(li, plain(s.question.options[i]) + ': ' + s.tally.per_option[i]);
        list.appendChild(li);
      }
      var right = document.createElement('p');
      right.className = 'right';
      text(right, 'Answer: ' + plain(s.right || ''));
      $('why').appendChild(right);
    }
    var leaders = $('leaders');
    leaders.innerHTML = '';
    for (var j = 0; j < s.leaders.length; j++) {
      var row = document.createElement('li');
      text(row, s.leaders[j][0] + ': ' + s.leaders[j][1]);
      leaders.appendChild(row);
    }
  }

  function refresh() {
    req('GET', '/api/teacher/state', function (status, data) {
      if (status === 200 && data) { render(data); }
      else { text($('status'), status === 403 ? 'This page needs the teacher address the app shows.' : 'The app is not answering.'); }
      window.setTimeout(refresh, 1000);
    });
  }

  function action(id, path) {
    $(id).onclick = function () {
      req('POST', path, function (status, data) { if (status === 200 && data) { render(data); } });
    };
  }
  action('prev', '/api/teacher/prev');
  action('next', '/api/teacher/next');
  action('reveal', '/api/teacher/reveal');
  action('board', '/api/teacher/leaderboard');
  action('names', '/api/teacher/names');
  action('end', '/api/teacher/end');
  $('csv').href = '/results.csv' + q;
  refresh();
}());
