// Domains and addresses: what the directory holds, and every change the admin API allows on it.

import { api, segment } from './api.js';
import { h, table, field, choice, form, button, details, time, list, every } from './dom.js';

export async function domainsView(shell) {
  const domains = await api.get('/api/v1/domains');
  return h('section', {},
    h('h1', {}, 'Domains'),
    form('add-domain', [field('Domain name', { name: 'name', required: true, placeholder: 'example.com' })], 'Add domain',
      values => shell.change(() => api.post('/api/v1/domains', { name: values.name.trim() }),
        'Domain ' + values.name.trim() + ' added.')),
    table('Hosted domains', ['Domain', 'Service', 'Catch-all', 'Maintenance', 'Created', ''],
      domains.map(domain => [
        h('a', { href: '#/domains/' + segment(domain.name) }, domain.name),
        domain.service || '—',
        domain.aliasOf ? 'alias of ' + domain.aliasOf : domain.catchAll || '—',
        domain.maintenance ? 'yes' : 'no', time(domain.createdAt),
        button('Delete', () => confirm('Delete ' + domain.name + ' and every mailbox in it?')
          && shell.change(() => api.delete('/api/v1/domains/' + segment(domain.name)), 'Domain ' + domain.name + ' deleted.'),
        { class: 'danger', 'aria-label': 'Delete ' + domain.name })]), 'domains'));
}

export async function domainView(shell, name) {
  const path = '/api/v1/domains/' + segment(name);
  const domain = await api.get(path);
  if (domain.aliasOf) return aliasDomainView(shell, domain);
  const [addresses, aliases] = await Promise.all([api.get(path + '/addresses'), api.get(path + '/aliases-domains')]);
  return h('section', {},
    h('h1', {}, name),
    h('p', {}, h('a', { href: '#/domains' }, '← All domains')),
    h('h2', {}, 'Addresses'),
    form('add-address', [
      field('Local part', { name: 'localPart', required: true, placeholder: 'anna' }),
      field('Password', { name: 'password', type: 'password', required: true, autocomplete: 'new-password' }),
      choice('Type', { name: 'type' }, [['mailbox', 'mailbox'], ['no-reply', 'no-reply']])], 'Add address',
      values => shell.change(() => api.post(path + '/addresses', values),
        'Address ' + values.localPart + '@' + name + ' added.')),
    table('Addresses of ' + name, ['Address', 'Type', 'State', 'Aliases', ''],
      addresses.map(address => [
        h('a', { href: '#/addresses/' + segment(address.address) }, address.address), address.type,
        address.disabled ? 'disabled' : 'enabled', address.aliases.join(', ') || '—',
        button('Delete', () => confirm('Delete ' + address.address + ' and its mailbox?')
          && shell.change(() => api.delete(path + '/addresses/' + segment(address.localPart)),
            'Address ' + address.address + ' deleted.'),
        { class: 'danger', 'aria-label': 'Delete ' + address.address })]), 'addresses'),
    h('h2', {}, 'Settings'),
    form('domain-settings', [
      field('Catch-all local part (empty: none)', { name: 'catchAll', value: domain.catchAll || '' }),
      h('label', {}, 'In maintenance', h('input', { type: 'checkbox', name: 'maintenance', checked: domain.maintenance }))],
      'Save settings', values => shell.change(() => api.patch(path,
        { catchAll: values.catchAll.trim() || null, maintenance: values.maintenance }), 'Settings of ' + name + ' saved.'),
      false),
    h('h2', {}, 'Alias domains'),
    form('add-alias-domain', [field('Alias domain', { name: 'name', required: true })], 'Add alias domain',
      values => shell.change(() => api.post(path + '/aliases-domains', { name: values.name.trim() }),
        'Alias domain ' + values.name.trim() + ' added.')),
    table('Domains that receive mail for ' + name, ['Domain', ''], aliases.map(alias => [alias.name,
      button('Remove', () => shell.change(() => api.delete(path + '/aliases-domains/' + segment(alias.name)),
        'Alias domain ' + alias.name + ' removed.'), { class: 'danger', 'aria-label': 'Remove ' + alias.name })])));
}

/** An alias domain has no addresses of its own: its page says whose mail it receives. */
function aliasDomainView(shell, domain) {
  const primary = '#/domains/' + segment(domain.aliasOf);
  return h('section', {},
    h('h1', {}, domain.name),
    h('p', {}, 'An alias domain of ', h('a', { href: primary }, domain.aliasOf), ': mail to anyone@' + domain.name
      + ' is delivered as anyone@' + domain.aliasOf + '.'),
    button('Remove alias domain', () => shell.changeAndMove(() => api.delete('/api/v1/domains/' + segment(domain.aliasOf)
      + '/aliases-domains/' + segment(domain.name)), 'Alias domain ' + domain.name + ' removed.', primary),
    { class: 'danger' }));
}

export async function addressView(shell, text) {
  const path = '/api/v1/addresses/' + segment(text);
  const [address, lists, responders, appPasswords, sieve, encryption, standing, imports] = await Promise.all([
    api.get(path), api.get(path + '/lists'), api.get(path + '/responders'), api.get(path + '/app-passwords'),
    api.get(path + '/sieve'), api.get(path + '/encryption'), api.get(path + '/sending-limits'),
    api.get(path + '/imports')]);
  return h('section', {},
    h('h1', {}, address.address),
    h('p', {}, h('a', { href: '#/domains/' + segment(address.domain) }, '← ' + address.domain)),
    details([['Type', address.type], ['State', address.disabled ? 'disabled' : 'enabled'],
      ['Spam filter', address.spamFilter ? 'on' : 'off'],
      ['Time zone', address.timeZone], ['Created', time(address.createdAt)]]),
    h('div', { class: 'actions' },
      button(address.disabled ? 'Enable' : 'Disable', () => shell.change(
        () => api.patch(path, { disabled: !address.disabled }),
        address.address + (address.disabled ? ' enabled.' : ' disabled.')), { id: 'toggle-disabled' }),
      button(address.spamFilter ? 'Turn spam filter off' : 'Turn spam filter on', () => shell.change(
        () => api.patch(path, { spamFilter: !address.spamFilter }),
        'Spam filter of ' + address.address + (address.spamFilter ? ' turned off.' : ' turned on.')),
        { id: 'toggle-spam-filter' })),
    h('h2', {}, 'Password'),
    form('password', [field('New password', { name: 'password', type: 'password', required: true,
      autocomplete: 'new-password' })], 'Change password',
      values => shell.change(() => api.put(path + '/password', values),
        'Password changed; the sessions that used the old one have ended.')),
    appPasswordsPart(shell, path, appPasswords),
    aliasesPart(shell, path, address),
    redirectPart(shell, path, address),
    backupCopyPart(shell, path, address),
    listsPart(shell, path, lists),
    respondersPart(shell, path, responders),
    sievePart(shell, path, sieve),
    encryptionPart(shell, path, address.address, encryption),
    sendingLimitsPart(shell, path, standing),
    importsPart(shell, path, imports));
}

/** The generated password is in the notice only: the API shows it once and keeps a hash. */
function appPasswordsPart(shell, path, appPasswords) {
  return h('div', {},
    h('h2', {}, 'App passwords'),
    form('add-app-password', [field('Name', { name: 'name', required: true })], 'Make app password',
      values => shell.change(() => api.post(path + '/app-passwords', values),
        made => 'App password ' + made.name + ': ' + made.password + ' (shown this once).')),
    table('For phones and sync tools', ['Name', 'Created', 'Last used', 'Over', ''], appPasswords.map(app => [
      app.name, time(app.createdAt), app.lastUse ? time(app.lastUse.at) : '—', app.lastUse ? app.lastUse.protocol : '—',
      button('Revoke', () => shell.change(() => api.delete(path + '/app-passwords/' + segment(app.name)),
        'App password ' + app.name + ' revoked; its sessions have ended.'),
        { class: 'danger', 'aria-label': 'Revoke app password ' + app.name })]), 'app-passwords'));
}

function aliasesPart(shell, path, address) {
  return h('div', {},
    h('h2', {}, 'Aliases'),
    form('add-alias', [field('Alias local part', { name: 'localPart', required: true })], 'Add alias',
      values => shell.change(() => api.post(path + '/aliases', values), 'Alias ' + values.localPart + ' added.')),
    table('Other local parts delivered here', ['Alias', ''], address.aliases.map(alias => [alias + '@' + address.domain,
      button('Remove', () => shell.change(() => api.delete(path + '/aliases/' + segment(alias)), 'Alias ' + alias + ' removed.'),
        { class: 'danger', 'aria-label': 'Remove alias ' + alias })])));
}

function redirectPart(shell, path, address) {
  const redirect = address.redirect;
  return h('div', {},
    h('h2', {}, 'Redirect'),
    h('p', {}, redirect ? 'To ' + redirect.targets.join(', ') + (redirect.keepCopy ? ', keeping a copy.' : ', keeping no copy.')
      : 'None.'),
    form('redirect', [
      field('Targets (comma-separated)', { name: 'targets', required: true, value: redirect ? redirect.targets.join(', ') : '' }),
      h('label', {}, 'Keep a copy', h('input', { type: 'checkbox', name: 'keepCopy', checked: redirect ? redirect.keepCopy : false }))],
      'Save redirect', values => shell.change(() => api.put(path + '/redirect',
        { targets: list(values.targets), keepCopy: values.keepCopy }), 'Redirect saved.'), false),
    redirect && button('Remove redirect', () => shell.change(() => api.delete(path + '/redirect'), 'Redirect removed.'),
      { class: 'danger' }));
}

function backupCopyPart(shell, path, address) {
  return h('div', {},
    h('h2', {}, 'Backup copy'),
    h('p', {}, address.backupCopy ? 'Every message is copied to ' + address.backupCopy + '.' : 'None.'),
    form('backup-copy', [field('Copy to', { name: 'address', required: true, value: address.backupCopy || '' })],
      'Save backup copy', values => shell.change(() => api.put(path + '/backup-copy', { address: values.address.trim() }),
        'Backup copy saved.'), false),
    address.backupCopy && button('Remove backup copy', () => shell.change(() => api.delete(path + '/backup-copy'),
      'Backup copy removed.'), { class: 'danger' }));
}

function listsPart(shell, path, lists) {
  return h('div', {},
    h('h2', {}, 'Sender lists'),
    form('lists', [
      h('label', {}, 'Allowed senders (addresses or @domains)', h('textarea', { name: 'allow' }, lists.allow.join('\n'))),
      h('label', {}, 'Blocked senders', h('textarea', { name: 'block' }, lists.block.join('\n'))),
      blockedChoice(lists.blocked)],
      'Save lists', values => shell.change(
        () => api.put(path + '/lists', { allow: list(values.allow), block: list(values.block), blocked: values.blocked }),
        saved => ['Sender lists saved.', ...saved.warnings].join(' ')), false));
}

function respondersPart(shell, path, responders) {
  return h('div', {},
    h('h2', {}, 'Responders'),
    table('Automatic answers', ['Name', 'Subject', 'From', 'Until', 'Active', ''], responders.map(responder => [
      responder.name, responder.subject || '—', responder.start || '—', responder.end || '—', responder.active ? 'yes' : 'no',
      h('div', { class: 'actions' },
        responder.active
          ? button('Deactivate', () => shell.change(() => api.post(path + '/responders/' + segment(responder.id) + '/deactivate'),
            'Responder ' + responder.name + ' deactivated.'))
          : button('Activate', () => shell.change(() => api.post(path + '/responders/' + segment(responder.id) + '/activate'),
            'Responder ' + responder.name + ' activated.')),
        button('Delete', () => shell.change(() => api.delete(path + '/responders/' + segment(responder.id)),
          'Responder ' + responder.name + ' deleted.'), { class: 'danger' }))]), 'responders'),
    form('add-responder', [
      field('Name', { name: 'name', required: true }),
      field('Subject', { name: 'subject' }),
      h('label', {}, 'Text', h('textarea', { name: 'text', required: true })),
      field('From', { name: 'start', type: 'datetime-local' }),
      field('Until', { name: 'end', type: 'datetime-local' })], 'Add responder',
      values => shell.change(() => api.post(path + '/responders', withoutEmpty(values)), 'Responder ' + values.name + ' added.')));
}

/**
 * The scripts its user manages over ManageSieve too. A script is checked as it is stored: the
 * API's refusal names line, column and problem, and the form keeps the text to correct.
 */
function sievePart(shell, path, sieve) {
  const shown = h('div', { id: 'sieve-script' });
  const show = async name => {
    try {
      shown.replaceChildren(h('h3', {}, 'Script ' + name), h('pre', {}, await api.get(script(path, name))));
    } catch (failure) {
      shell.refused(failure);
    }
  };
  return h('div', {},
    h('h2', {}, 'Sieve scripts'),
    table('Filters run on arrival (at most one active)', ['Name', 'Size', 'Active', ''], sieve.scripts.map(one => [
      one.name, one.size + ' octets', one.active ? 'yes' : 'no',
      h('div', { class: 'actions' },
        button('View', () => show(one.name), { 'aria-label': 'View script ' + one.name }),
        one.active
          ? button('Deactivate', () => shell.change(() => api.post(path + '/sieve/deactivate'),
            'Sieve script ' + one.name + ' deactivated; none is active.'))
          : button('Activate', () => shell.change(() => api.post(script(path, one.name) + '/activate'),
            'Sieve script ' + one.name + ' activated.')),
        button('Delete', () => shell.change(() => api.delete(script(path, one.name)), 'Sieve script ' + one.name
          + ' deleted.'), { class: 'danger', 'aria-label': 'Delete script ' + one.name }))]), 'sieve-scripts'),
    shown,
    form('put-sieve', [
      field('Name', { name: 'name', required: true, placeholder: 'filters' }),
      h('label', {}, 'Script (RFC 5228)', h('textarea', { name: 'script', required: true }))], 'Store script',
      values => shell.change(() => api.putText(script(path, values.name.trim()), 'application/sieve', values.script),
        'Sieve script ' + values.name.trim() + ' stored.')));
}

function script(path, name) {
  return path + '/sieve/' + segment(name);
}

/**
 * Turned on with the user's own password, which wraps the secret key (the provider's account
 * page sends the one its user types); it cannot be turned off.
 */
function encryptionPart(shell, path, address, encryption) {
  return h('div', {},
    h('h2', {}, 'Encryption at rest'),
    encryption.enabled
      ? h('p', { id: 'encryption-state' }, 'On since ', time(encryption.since), '; key fingerprint ',
        encryption.fingerprint, '.')
      : [h('p', { id: 'encryption-state' }, 'Off: messages are stored as they arrive.'),
        h('p', { class: 'muted' }, 'Once on, the mail stored from then on is encrypted to a key only the user\'s'
          + ' password opens, read only by the user\'s IMAP and POP3 logins; it cannot be turned off.'),
        form('encryption', [field('The user\'s password', { name: 'password', type: 'password', required: true,
          autocomplete: 'off' })], 'Turn encryption on',
          values => shell.change(() => api.post(path + '/encryption', values),
            on => 'Encryption at rest of ' + address + ' turned on; key fingerprint ' + on.fingerprint + '.'))]);
}

const SENDING_LIMITS = [['messagesPerHour', 'Messages per hour'], ['messagesPerDay', 'Messages per day'],
  ['recipientsPerHour', 'Recipients per hour'], ['recipientsPerDay', 'Recipients per day']];

/** The address's own limits where it has them, else the node's; 0 is no limit. */
function sendingLimitsPart(shell, path, standing) {
  const shown = value => value === 0 ? 'no limit' : value;
  const override = standing.override;
  return h('div', {},
    h('h2', {}, 'Sending limits'),
    table('Mail sent after SMTP AUTH in this UTC hour and day', ['Limit', 'In force', 'Used', 'Set for this address'],
      SENDING_LIMITS.map(([name, text]) => [text, shown(standing.limits[name]), standing.used[name],
        name in override ? shown(override[name]) : 'no: the node\'s']), 'sending-limits'),
    form('set-sending-limits', SENDING_LIMITS.map(([name, text]) => field(text + ' (empty: the node\'s)',
      { name, type: 'number', min: 0, value: override[name] })), 'Save limits',
      values => shell.change(() => api.put(path + '/sending-limits', Object.fromEntries(
        Object.entries(withoutEmpty(values)).map(([name, value]) => [name, Number(value)]))),
        'Sending limits of ' + standing.address + ' saved.'), false),
    Object.keys(override).length > 0 && button('Use the node\'s limits', () => shell.change(
      () => api.delete(path + '/sending-limits'), standing.address + ' has the node\'s sending limits again.'),
      { class: 'danger', id: 'clear-sending-limits' }));
}

/** A job runs in the background on the node: while one runs, the page follows it. */
function importsPart(shell, path, imports) {
  const jobs = h('div', {}, importsTable(imports));
  if (imports.some(running)) {
    every(5, jobs, async () => {
      const now = await api.get(path + '/imports');
      jobs.replaceChildren(importsTable(now));
      return now.some(running);
    }, shell.refused);
  }
  return h('div', {},
    h('h2', {}, 'Imports'),
    form('start-import', [
      field('IMAP server', { name: 'host', required: true, placeholder: 'imap.example.com' }),
      field('Port (empty: 993, or 143)', { name: 'port', type: 'number', min: 1, max: 65535 }),
      choice('TLS', { name: 'tls' }, [['implicit', 'implicit'], ['starttls', 'STARTTLS'],
        ['none', 'none (private networks only)']]),
      field('User name there', { name: 'username', required: true }),
      field('Password there', { name: 'password', type: 'password', required: true, autocomplete: 'off' })],
      'Start import', values => {
        const request = withoutEmpty(values);
        if (request.port) request.port = Number(request.port);
        return shell.change(() => api.post(path + '/imports', request),
          job => 'Import ' + job.id + ' from ' + job.host + ':' + job.port + ' started.');
      }),
    jobs);
}

function importsTable(imports) {
  return table('Mailboxes copied from other IMAP servers', ['Started', 'From', 'State', 'Copied', 'Skipped', 'Failed',
    'Problems'], imports.map(job => [time(job.started),
    job.username + ' at ' + job.host + ':' + job.port + ' (TLS ' + job.tls + ')', job.state, job.copied,
    job.skipped, job.failed, job.error || job.failures.join('; ') || '—']), 'imports');
}

function running(job) {
  return job.state === 'running';
}

/** What becomes of mail from blocked senders, showing the address's setting. */
function blockedChoice(blocked) {
  const label = choice('Mail from blocked senders', { name: 'blocked' }, [['spam', 'goes to Junk'], ['reject', 'is refused']]);
  label.querySelector('select').value = blocked;
  return label;
}

/** The values of a form without the fields left empty, which the API reads as absent. */
function withoutEmpty(values) {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
}
