// The admin API as the console calls it: the bearer token of this tab, JSON in and out, and the
// API's own error text ({"error": "..."}) carried to the page.

const TOKEN = 'postillion.admin-token';

/** A refusal or failure, with the HTTP status (0: the node did not answer) and the API's words. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The token lives in sessionStorage: it ends with the tab, and other sites cannot read it. */
export const token = {
  get: () => sessionStorage.getItem(TOKEN),
  set: value => sessionStorage.setItem(TOKEN, value),
  clear: () => sessionStorage.removeItem(TOKEN),
};

/** A JSON body, or none. */
function call(method, path, body) {
  return body === undefined ? exchange(method, path) : exchange(method, path, 'application/json', JSON.stringify(body));
}

/** A request with a body of {@code text} in the media type {@code type}, or none; its answer as JSON or text. */
async function exchange(method, path, type, text) {
  const headers = { Authorization: 'Bearer ' + token.get() };
  if (type !== undefined) headers['Content-Type'] = type;
  let response;
  try {
    response = await fetch(path, { method, headers, body: text });
  } catch (failure) {
    throw new ApiError(0, 'the node does not answer; is it running?');
  }
  const answer = await response.text();
  const json = (response.headers.get('Content-Type') || '').startsWith('application/json') && answer ? JSON.parse(answer) : answer;
  if (response.status === 401) {
    token.clear();
    window.dispatchEvent(new Event('postillion-logout'));
  }
  if (!response.ok) {
    throw new ApiError(response.status, json && json.error ? json.error : response.status + ' ' + response.statusText);
  }
  return json;
}

export const api = {
  get: path => call('GET', path),
  post: (path, body) => call('POST', path, body),
  put: (path, body) => call('PUT', path, body),
  /** PUT of text of its own media type, such as a Sieve script (application/sieve). */
  putText: (path, type, text) => exchange('PUT', path, type, text),
  patch: (path, body) => call('PATCH', path, body),
  delete: path => call('DELETE', path),
};

/** A path segment from a value: an address's '@' and '+' stay readable, anything else is escaped. */
export function segment(value) {
  return encodeURIComponent(value).replace(/%40/g, '@');
}
