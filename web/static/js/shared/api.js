// tiled API client: same-origin JSON calls. Errors carry the server's JSON error body ({code, description,
// field}). Writes send the CSRF token in X-CSRF-Token (the desk's token; the map page makes no writes).

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.description) || 'HTTP ' + status);
    this.status = status;
    this.code = (body && body.code) || '';
    this.field = (body && body.field) || '';
  }
}

export function client({ csrf = '', onSignedOut = null } = {}) {
  async function call(method, path, body) {
    const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (method !== 'GET' && csrf) init.headers['X-CSRF-Token'] = csrf;
    const resp = await fetch(path, init);
    let data = null;
    const type = resp.headers.get('Content-Type') || '';
    if (type.includes('json')) data = await resp.json();
    if (!resp.ok) {
      const err = new ApiError(resp.status, data);
      if (onSignedOut && (resp.status === 401 || err.code === 'token_revoked')) onSignedOut(err);
      throw err;
    }
    return data;
  }
  const query = (params) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') q.set(k, v);
    const s = q.toString();
    return s ? '?' + s : '';
  };
  return {
    get: (path, params) => call('GET', path + query(params), undefined),
    post: (path, body) => call('POST', path, body === undefined ? {} : body),
  };
}
