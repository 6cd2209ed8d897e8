// The queue of the whole cluster (Postfix's mailq, postqueue and postsuper as pages) and the greylist.

import { api, segment } from './api.js';
import { h, table, field, choice, form, button, details, time } from './dom.js';

/**
 * The operators' commands on one message, with what the console says once each is done, and
 * whether they apply to a message on hold (release only) or to one that is not (the others).
 */
const OPERATIONS = [
  ['retry', 'Retry now', 'will be attempted now', false],
  ['hold', 'Hold', 'is on hold', false],
  ['release', 'Release', 'is released', true],
  ['bounce', 'Return to sender', 'is returned to its sender', false],
];

export async function queueView(shell) {
  const filter = new URLSearchParams(location.hash.split('?')[1] || '');
  const query = new URLSearchParams([...filter].filter(([, value]) => value !== ''));
  const page = await api.get('/api/v1/queue' + (query.toString() ? '?' + query : ''));
  const silent = page.nodes.filter(node => !node.answered);
  const filters = form('queue-filter', [
    choice('State', { name: 'state' }, [['', 'any'], ['active', 'active'], ['deferred', 'deferred'], ['hold', 'on hold']]),
    field('Recipient domain', { name: 'domain', value: filter.get('domain') || '' }),
    field('Sender', { name: 'sender', value: filter.get('sender') || '' })], 'Show',
    values => { location.hash = '#/queue?' + new URLSearchParams(values); }, false);
  filters.elements.state.value = filter.get('state') || '';
  return h('section', {},
    h('h1', {}, 'Queue'),
    filters,
    silent.length > 0 && h('p', { role: 'note' }, 'Not shown: the messages of ',
      silent.map(node => node.node + ' (' + node.reason + ')').join(', '), ', whose queue cannot be read now.'),
    table('Messages', ['Queue id', 'State', 'Sender', 'Recipients', 'Size', 'Arrived', 'Attempts', 'Next attempt', 'Node'],
      page.messages.map(message => [
        h('a', { href: '#/queue/' + segment(message.id) }, message.id), message.state, message.sender || '<>',
        message.recipients.map(recipient => recipient.address).join(', '),
        message.size === null ? '—' : message.size.toLocaleString() + ' bytes', time(message.arrival), message.attempts,
        time(message.nextAttempt), message.node]), 'queue'),
    page.next && h('p', {}, h('a', { href: '#/queue?' + new URLSearchParams({ ...Object.fromEntries(filter), after: page.next }) },
      'Next page →')),
    h('h2', {}, 'Flush'),
    form('flush', [field('Only for recipient domain (empty: all)', { name: 'domain' })], 'Retry deferred mail now',
      values => shell.change(() => api.post('/api/v1/queue/flush' + (values.domain ? '?domain=' + encodeURIComponent(values.domain) : '')),
        flushed => flushed.retried + ' messages will be attempted now.')));
}

export async function messageView(shell, id) {
  const path = '/api/v1/queue/' + segment(id);
  const message = await api.get(path);
  return h('section', {},
    h('h1', {}, 'Message ' + id),
    h('p', {}, h('a', { href: '#/queue' }, '← Queue')),
    details([['State', h('span', { id: 'message-state' }, message.state)], ['Sender', message.sender || '<>'],
      ['Arrived', time(message.arrival)], ['Size', message.size + ' bytes'], ['Attempts', message.attempts],
      ['Next attempt', time(message.nextAttempt)], ['Delay warning sent', message.delayWarningSent ? 'yes' : 'no'],
      ['Node', message.node]]),
    table('Recipients', ['Address', 'State', 'Attempts', 'Last result'], message.recipients.map(recipient => [
      recipient.address, recipient.state, recipient.attempts, recipient.lastResult || '—'])),
    h('div', { class: 'actions' },
      OPERATIONS.filter(([, , , held]) => held === (message.state === 'hold')).map(([operation, text, done]) => button(text,
        () => shell.change(() => api.post(path + '/' + operation), 'Message ' + id + ' ' + done + '.'), { id: operation })),
      button('Delete', () => confirm('Delete message ' + id + ' without telling its sender?')
        && shell.changeAndMove(() => api.delete(path), 'Message ' + id + ' deleted.', '#/queue'),
      { id: 'delete', class: 'danger' })));
}

export async function greylistView(shell) {
  const [triplets, allowed] = await Promise.all([api.get('/api/v1/greylist'), api.get('/api/v1/greylist/allow')]);
  const forget = key => button('Forget', () => shell.change(() => api.delete('/api/v1/greylist/' + segment(key)),
    'Forgotten.'), { class: 'danger' });
  return h('section', {},
    h('h1', {}, 'Greylist'),
    table('Triplets (client network, sender, recipient)', ['Network', 'Sender', 'Recipient', 'First seen', 'Last seen',
      'State', ''], triplets.triplets.map(entry => [entry.network, entry.sender || '<>', entry.recipient,
      time(entry.firstSeen), time(entry.lastSeen), entry.state, forget(entry.key)]), 'triplets'),
    triplets.next && h('p', { class: 'muted' }, 'The first ' + triplets.triplets.length + ' are shown.'),
    h('h2', {}, 'Never greylisted'),
    form('allow', [choice('Kind', { name: 'kind' }, [['network', 'client network (CIDR)'], ['domain', 'sender domain']]),
      field('Value', { name: 'value', required: true, placeholder: '192.0.2.0/24 or example.com' })], 'Allow',
      values => shell.change(() => api.post('/api/v1/greylist/allow', { [values.kind]: values.value.trim() }),
        values.value.trim() + ' is no longer greylisted.')),
    table('Allowed', ['Network or domain', ''], allowed.map(entry => [entry.network || entry.domain, forget(entry.key)]),
      'allowed'));
}
