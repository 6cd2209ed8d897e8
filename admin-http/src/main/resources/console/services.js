// Mail services: which domains each owns, and how many addresses those domains may have in all.

import { api, segment } from './api.js';
import { h, table, field, form, button, time } from './dom.js';

const PATH = '/api/v1/services';

export async function servicesView(shell) {
  const services = await api.get(PATH);
  return h('section', {},
    h('h1', {}, 'Services'),
    h('p', { class: 'muted' }, 'A domain joins a service when it is added with the service\'s name; one added without'
      + ' gets a service of its own, named after it.'),
    form('add-service', [field('Service name', { name: 'name', required: true, placeholder: 'acme' }),
      quotaField('Quota of addresses (empty: no limit)')], 'Create service',
      values => shell.change(() => api.post(PATH, { name: values.name.trim(), addressQuota: quota(values.addressQuota) }),
        created => 'Service ' + created.name + ' created.')),
    table('Mail services', ['Service', 'Quota', 'Addresses', 'Domains', 'Created', ''], services.map(service => [
      service.name, service.addressQuota === null ? 'no limit' : service.addressQuota, service.addresses,
      service.domains.join(', ') || '—', time(service.createdAt),
      h('div', { class: 'actions' },
        form('quota-' + service.name, [quotaField('New quota (empty: no limit)', service.addressQuota)], 'Set quota',
          values => shell.change(() => api.patch(PATH + '/' + segment(service.name),
            { addressQuota: quota(values.addressQuota) }), changed => 'Quota of service ' + changed.name + ' set to '
            + (changed.addressQuota === null ? 'no limit' : changed.addressQuota) + '.'), false),
        button('Delete', () => shell.change(() => api.delete(PATH + '/' + segment(service.name)),
          'Service ' + service.name + ' deleted.'), { class: 'danger', 'aria-label': 'Delete service ' + service.name }))
    ]), 'services'));
}

function quotaField(label, value) {
  return field(label, { name: 'addressQuota', type: 'number', min: 0, value });
}

/** The quota as the API takes it: a whole number, or null for no limit. */
function quota(text) {
  return text === '' ? null : Number(text);
}
