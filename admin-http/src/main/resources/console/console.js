// The console's shell: log in with the admin token, move between views by the URL's fragment
// (so the browser's back button and bookmarks work), and show what the API refused in one alert.

import { api, ApiError, token } from './api.js';
import { h, table, time, every } from './dom.js';
import { domainsView, domainView, addressView } from './directory.js';
import { queueView, messageView, greylistView } from './queue.js';
import { servicesView } from './services.js';

const main = document.getElementById('main');
const menu = document.getElementById('menu');
const error = document.getElementById('error');
const notice = document.getElementById('notice');
const loginForm = document.getElementById('login');

/** What a view may ask of the shell. */
const shell = {
  /** Shows the API's refusal (or the node's silence) in the alert region; returns false. */
  refused(failure) {
    notice.textContent = '';
    error.textContent = failure instanceof ApiError
      ? (failure.status > 0 ? 'Refused (' + failure.status + '): ' : '') + failure.message
      : 'Something went wrong in the console: ' + failure.message;
    return false;
  },
  /** Confirms a change that succeeded and shows the view again with what it changed. */
  async done(text) {
    await render();
    error.textContent = '';
    notice.textContent = text;
  },
  /** Runs a change, then shows {@code hash} saying {@code text}: for a change that ends the page it was made on. */
  async changeAndMove(action, text, hash) {
    try {
      await action();
    } catch (failure) {
      return shell.refused(failure);
    }
    noticeAfterMove = text;
    location.hash = hash;
    return true;
  },
  /**
   * Runs a change and reports how it went: done with {@code text} (or what {@code text} makes of
   * the change's answer), or refused.
   */
  async change(action, text) {
    try {
      const answer = await action();
      await shell.done(typeof text === 'function' ? text(answer) : text);
      return true;
    } catch (failure) {
      return shell.refused(failure);
    }
  },
};

const views = [
  [/^#\/overview$/, overviewView],
  [/^#\/domains$/, domainsView],
  [/^#\/domains\/([^/]+)$/, domainView],
  [/^#\/addresses\/([^/]+)$/, addressView],
  [/^#\/services$/, servicesView],
  [/^#\/queue$/, queueView],
  [/^#\/queue\/([^/]+)$/, messageView],
  [/^#\/greylist$/, greylistView],
];

/** What to say once the view a change moved to is shown (a deleted message's page is gone). */
let noticeAfterMove = '';
/** How many renders have begun: a view whose data comes after a later render began is dropped. */
let renders = 0;

async function render() {
  const current = ++renders;
  if (!token.get()) {
    showLogin();
    return;
  }
  menu.hidden = false;
  const hash = location.hash.split('?')[0] || '#/overview';
  const match = views.map(([pattern, view]) => [hash.match(pattern), view]).find(([found]) => found);
  for (const link of menu.querySelectorAll('a')) {
    // An address's page belongs to the domains' section.
    const section = hash.startsWith('#/addresses/') ? '#/domains' : hash;
    if (section.startsWith(link.getAttribute('href'))) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!match) {
    location.hash = '#/overview';
    return;
  }
  const [found, view] = match;
  try {
    const content = await view(shell, ...found.slice(1).map(decodeURIComponent));
    if (current === renders) main.replaceChildren(content);
  } catch (failure) {
    if (current !== renders) return;
    if (!token.get()) {
      // The token was refused (changed, or the node's is new): log in again, saying why.
      showLogin();
      shell.refused(failure);
      return;
    }
    main.replaceChildren(h('h1', {}, 'Cannot show this page'));
    shell.refused(failure);
  }
}

function showLogin() {
  menu.hidden = true;
  main.replaceChildren(loginForm);
  loginForm.querySelector('input').focus();
}

loginForm.addEventListener('submit', async event => {
  event.preventDefault();
  token.set(document.getElementById('token').value);
  try {
    await api.get('/api/v1/status');
  } catch (failure) {
    token.clear();
    shell.refused(failure.status === 401 ? new ApiError(401, 'that is not this node\'s admin token') : failure);
    return;
  }
  loginForm.reset();
  error.textContent = '';
  notice.textContent = '';
  if (location.hash) await render();
  else location.hash = '#/overview'; // shown by the hashchange
});

document.getElementById('logout').addEventListener('click', () => {
  token.clear();
  error.textContent = '';
  notice.textContent = 'Logged out.';
  render();
});

window.addEventListener('postillion-logout', () => showLogin());
window.addEventListener('hashchange', async () => {
  error.textContent = '';
  notice.textContent = '';
  await render();
  notice.textContent = noticeAfterMove;
  noticeAfterMove = '';
});

// --- overview: the node, its cluster and a glance at the metrics ---

/** The series of Prometheus's text format by name, each with its labels and value. */
function parseMetrics(text) {
  const series = new Map();
  for (const line of text.split('\n')) {
    const found = line.match(/^([a-z_:][a-z0-9_:]*)(\{(.*)\})? ([^ ]+)/i);
    if (!found) continue;
    const labels = Object.fromEntries([...(found[3] || '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, name, value]) => [name, value]));
    if (!series.has(found[1])) series.set(found[1], []);
    series.get(found[1]).push({ labels, value: Number(found[4]) });
  }
  return series;
}

/** The sum of a metric's series whose labels include {@code where}. */
function total(series, name, where = {}) {
  return (series.get(name) || [])
    .filter(one => Object.entries(where).every(([label, value]) => one.labels[label] === value))
    .reduce((sum, one) => sum + one.value, 0);
}

function card(label, value, id) {
  return h('div', { class: 'card', id },
    h('div', { class: 'value' }, Number.isInteger(value) ? value.toLocaleString() : value.toFixed(2)),
    h('div', { class: 'label' }, label));
}

async function overviewView() {
  const section = h('section');
  const fill = async () => {
    const [status, metrics] = await Promise.all([api.get('/api/v1/status'), api.get('/metrics')]);
    const series = parseMetrics(metrics);
    const health = status.health;
    section.replaceChildren(
      h('h1', {}, 'Node ' + (health.node || '')),
      h('p', { id: 'health' }, 'Status: ', h('strong', {}, health.status), ' · shared store ', health.sharedStore,
        ' · DNSSEC ', health.dnssec || '—'),
      h('h2', {}, 'Queue on this node'),
      h('div', { class: 'cards', id: 'queue-counts' },
        card('active', status.queue.active), card('deferred', status.queue.deferred), card('on hold', status.queue.hold)),
      h('h2', {}, 'Since the node started'),
      h('div', { class: 'cards' },
        card('SMTP connections open', total(series, 'postillion_smtp_connections_active')),
        card('messages accepted', total(series, 'postillion_smtp_messages_accepted_total')),
        card('SMTP rejections', total(series, 'postillion_smtp_rejections_total')),
        card('delivered', total(series, 'postillion_deliveries_total', { status: 'sent' })),
        card('deferrals', total(series, 'postillion_deliveries_total', { status: 'deferred' })),
        card('bounced', total(series, 'postillion_deliveries_total', { status: 'bounced' })),
        card('messages per fsync', commitBatch(series))),
      table('Cluster members', ['Name', 'Address', 'Status', 'Reachable'],
        status.members.map(member => [member.name + (member.self ? ' (this node)' : ''), member.address,
          member.status, member.reachable ? 'yes' : 'no']), 'members'),
      h('p', { class: 'muted' }, 'Refreshed every 5 seconds; last at ', time(new Date().toISOString()), '.'));
  };
  await fill();
  // Stops by itself once another view has replaced this one.
  every(5, section, fill, shell.refused);
  return section;
}

/** The mean number of messages per durable group commit, from its summary's count and sum. */
function commitBatch(series) {
  const count = total(series, 'postillion_store_commit_batch_count');
  return count === 0 ? 0 : total(series, 'postillion_store_commit_batch_sum') / count;
}

render();
