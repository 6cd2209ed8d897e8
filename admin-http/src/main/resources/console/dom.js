// Elements built from data as text only: nothing the API returns (an address, a subject, an
// SMTP reply) is ever parsed as markup.

/** An element with attributes (on* names add listeners) and children (nodes or text). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** A table: a caption, header cells, and rows of cells (text or nodes); "(none)" when empty. */
export function table(caption, headers, rows, id) {
  const body = rows.length > 0
    ? rows.map(cells => h('tr', {}, cells.map(cell => h('td', {}, cell))))
    : [h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, '(none)'))];
  return h('table', { id },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map(text => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, body));
}

/** A labelled input; {@code attributes} go to the input. */
export function field(label, attributes) {
  return h('label', {}, label, h('input', attributes));
}

/** A labelled select of {@code options} ([value, text] pairs). */
export function choice(label, attributes, options) {
  return h('label', {}, label,
    h('select', attributes, options.map(([value, text]) => h('option', { value }, text))));
}

/**
 * A form whose submission runs {@code action} with its values by name (checkboxes as booleans);
 * the form is cleared after an action that succeeds when {@code reset} is set.
 */
export function form(id, children, submit, action, reset = true) {
  const element = h('form', { id }, children, h('button', { type: 'submit', class: 'primary' }, submit));
  element.addEventListener('submit', async event => {
    event.preventDefault();
    const values = {};
    for (const input of element.elements) {
      if (!input.name) continue;
      values[input.name] = input.type === 'checkbox' ? input.checked : input.value;
    }
    if (await action(values) !== false && reset) element.reset();
  });
  return element;
}

/** A button running {@code action} when pressed. */
export function button(text, action, attributes = {}) {
  return h('button', { type: 'button', ...attributes, onclick: action }, text);
}

/** A definition list of [term, value] pairs. */
export function details(pairs) {
  return h('dl', {}, pairs.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value ?? '—')]));
}

/** A local time for an ISO-8601 instant, with the instant itself as its title. */
export function time(instant) {
  if (!instant) return '—';
  return h('time', { datetime: instant, title: instant }, new Date(instant).toLocaleString());
}

/** A list of text values separated by commas, from a text field's value. */
export function list(text) {
  return text.split(/[,\s]+/).map(value => value.trim()).filter(value => value.length > 0);
}

/**
 * Runs {@code refresh} every {@code seconds} while {@code element} is on the page, until it
 * answers false; a failure goes to {@code refused} and the next round tries again.
 */
export function every(seconds, element, refresh, refused) {
  const timer = setInterval(async () => {
    if (!element.isConnected) {
      clearInterval(timer);
      return;
    }
    try {
      if (await refresh() === false) clearInterval(timer);
    } catch (failure) {
      refused(failure);
    }
  }, seconds * 1000);
}
