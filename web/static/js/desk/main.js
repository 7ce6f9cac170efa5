// The desk's entry: reads the server's config, builds the shared context (strings, API client, sources) and
// shows the view the URL's hash names: #queue, #new, #report/ID, #claim, #place/ID, #feed.
import { translator } from '../shared/i18n.js';
import { client } from '../shared/api.js';
import { clear, h } from './dom.js';
import { showQueue, showNewReport } from './queue.js';
import { showReview } from './review.js';
import { showClaimForm } from './claimform.js';
import { showHistory } from './history.js';
import { showFeed } from './feed.js';
import { showSources } from './sources.js';
import { showTokens } from './tokens.js';

const config = JSON.parse(document.getElementById('desk-config').textContent);
const t = translator(config.strings);
const view = document.getElementById('desk-view');

// signedOut sends the editor to the sign-in page, saying why: the session expired, the token was revoked, or
// the session ended (signed out elsewhere).
function signedOut(err) {
  const why = { session_expired: 'expired', token_revoked: 'revoked' }[err && err.code] || 'signedout';
  const q = new URLSearchParams({ why });
  if (config.lang !== 'en') q.set('lang', config.lang);
  window.location.assign('/desk/signin?' + q.toString());
}

const desk = {
  config,
  t,
  sources: config.sources || [],
  api: client({ csrf: config.csrf, onSignedOut: signedOut }),
  go(hash) {
    if (window.location.hash === hash) route();
    else window.location.hash = hash;
  },
  sourceName(id) {
    const s = this.sources.find((x) => x.id === id);
    return s ? s.name : id;
  },
};

const routes = [
  [/^#?$/, () => showQueue(desk, view)],
  [/^#queue$/, () => showQueue(desk, view)],
  [/^#new$/, () => showNewReport(desk, view)],
  [/^#report\/(\d+)$/, (m) => showReview(desk, view, m[1])],
  [/^#claim$/, () => showClaimForm(desk, view, {})],
  [/^#place\/([^/]+)$/, (m) => showHistory(desk, view, decodeURIComponent(m[1]))],
  [/^#feed$/, () => showFeed(desk, view)],
  [/^#sources$/, () => showSources(desk, view)],
  [/^#tokens$/, () => showTokens(desk, view)],
];

async function route() {
  const hash = window.location.hash;
  for (const a of document.querySelectorAll('.desk-nav a')) {
    if (a.getAttribute('href') === hash || (hash === '' && a.dataset.view === 'queue')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  // The language links keep the view.
  for (const a of document.querySelectorAll('a.lang-link')) a.hash = hash;
  for (const [re, show] of routes) {
    const m = re.exec(hash);
    if (m) {
      clear(view).appendChild(h('p', { class: 'loading' }, t('loading')));
      try {
        await show(m);
      } catch (err) {
        clear(view).appendChild(h('p', { class: 'notice error', role: 'alert' }, t('error.generic', { msg: err.message })));
      }
      return;
    }
  }
  desk.go('#queue');
}

window.addEventListener('hashchange', route);
route();
