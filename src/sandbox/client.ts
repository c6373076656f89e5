// The sandbox page's script, served as /sandbox/app.js: plain browser JavaScript, no framework and
// nothing from the network but this server. Everything the bot or a person wrote is put on the
// page with textContent, never as HTML.
export const SANDBOX_SCRIPT = `'use strict';
(function () {
  var texts = JSON.parse(document.getElementById('texts').textContent);
  var log = document.getElementById('log');
  var form = document.getElementById('composer');
  var input = document.getElementById('message');
  var status = document.getElementById('status');
  var hint = document.getElementById('role-hint');
  var role = null;
  var chat = null;
  var after = 0;
  var poller = null;

  function stored(r) {
    try { return JSON.parse(localStorage.getItem('sputnik.sandbox.' + r) || 'null'); } catch (e) { return null; }
  }
  function store(r, value) {
    try { localStorage.setItem('sputnik.sandbox.' + r, JSON.stringify(value)); } catch (e) { /* private mode: the chat lasts this visit */ }
  }
  function newId() {
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  }
  function api(method, path, body, signal) {
    return fetch(path, {
      method: method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: signal,
    }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    });
  }
  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function bubble(who, text) {
    var div = document.createElement('div');
    div.className = 'msg ' + who;
    div.textContent = text;
    log.appendChild(div);
    scrollDown();
    return div;
  }

  function disableOlder() {
    var old = log.querySelectorAll('.options button, .controls button');
    for (var i = 0; i < old.length; i++) old[i].disabled = true;
  }

  function button(label, onClick, cls) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = cls || 'option';
    b.textContent = label;
    b.addEventListener('click', onClick);
    return b;
  }

  function showMessage(m) {
    var div = bubble('bot', m.text);
    if (m.hint) {
      var h = document.createElement('div');
      h.className = 'hint';
      h.textContent = m.hint;
      div.appendChild(h);
    }
    if (!m.ref) return;
    disableOlder();
    if (m.options && m.options.length) {
      var box = document.createElement('div');
      box.className = 'options';
      var ticked = [];
      m.options.forEach(function (o) {
        var b = button(o.label, function () {
          if (!m.multiple) return press(m.ref, [o.id], o.label);
          var i = ticked.indexOf(o.id);
          if (i >= 0) ticked.splice(i, 1); else ticked.push(o.id);
          b.setAttribute('aria-pressed', i >= 0 ? 'false' : 'true');
        });
        if (m.multiple) b.setAttribute('aria-pressed', 'false');
        box.appendChild(b);
      });
      if (m.multiple) {
        box.appendChild(button(m.multiple.done, function () {
          if (ticked.length === 0) return;
          var labels = m.options.filter(function (o) { return ticked.indexOf(o.id) >= 0; }).map(function (o) { return o.label; });
          press(m.ref, ticked.slice(), labels.join('; '));
        }, 'option done'));
      }
      div.appendChild(box);
    }
    if (m.controls && m.controls.length) {
      var controls = document.createElement('div');
      controls.className = 'controls';
      m.controls.forEach(function (c) {
        controls.appendChild(button(c.label, function () { press(m.ref, [c.id], c.label); }, 'control'));
      });
      div.appendChild(controls);
    }
    scrollDown();
  }

  function send(body, echo) {
    if (!chat) return Promise.resolve();
    bubble('me', echo);
    body.chat = chat;
    body.id = newId();
    status.textContent = '';
    return api('POST', '/webchat/messages', body).catch(function () { status.textContent = texts.failed; });
  }
  function press(ref, ids, label) {
    disableOlder();
    return send({ ref: ref, options: ids }, label);
  }

  function poll(forChat, signal) {
    if (signal.aborted || forChat !== chat) return;
    api('GET', '/webchat/messages?chat=' + encodeURIComponent(forChat) + '&after=' + after + '&wait=25', null, signal)
      .then(function (data) {
        if (signal.aborted || forChat !== chat) return;
        status.textContent = '';
        data.messages.forEach(function (m) {
          if (m.seq <= after) return;
          after = m.seq;
          showMessage(m);
        });
        store(role, { chat: chat, started: true });
        poll(forChat, signal);
      })
      .catch(function () {
        if (signal.aborted) return;
        status.textContent = texts.offline;
        setTimeout(function () { poll(forChat, signal); }, 3000);
      });
  }

  function open(r, fresh) {
    if (poller) poller.abort();
    poller = new AbortController();
    var signal = poller.signal;
    role = r;
    after = 0;
    log.textContent = '';
    hint.textContent = r === 'curator' ? texts.curatorHint : texts.teacherHint;
    var tabs = document.querySelectorAll('[data-role]');
    for (var i = 0; i < tabs.length; i++) tabs[i].setAttribute('aria-selected', tabs[i].getAttribute('data-role') === r ? 'true' : 'false');
    var known = fresh ? null : stored(r);
    var ready = known ? Promise.resolve(known.chat) : api('POST', '/webchat/chats').then(function (d) { return d.chat; });
    ready
      .then(function (id) {
        chat = id;
        // The demo curator answers in whichever browser chose the role last.
        return r === 'curator' ? api('POST', '/sandbox/curator', { chat: id }).then(function () { return id; }) : id;
      })
      .then(function (id) {
        poll(id, signal);
        if (!known) {
          store(r, { chat: id });
          return send({ text: r === 'curator' ? '/menu' : '/start ' + texts.code }, r === 'curator' ? '/menu' : '/start ' + texts.code);
        }
      })
      .catch(function () { status.textContent = texts.offline; });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    send({ text: text }, text);
  });
  var tabs = document.querySelectorAll('[data-role]');
  for (var i = 0; i < tabs.length; i++) {
    tabs[i].addEventListener('click', function (e) { open(e.currentTarget.getAttribute('data-role'), false); });
  }
  document.getElementById('restart').addEventListener('click', function () { open(role || 'teacher', true); });
  open('teacher', false);
})();
`;
