// The feed: what was published, newest first — the claim, who recorded it, when, and the report it came from.
import { h, clear } from './dom.js';
import { symbolSVG } from '../shared/symbols.js';
import { provenance } from './history.js';

export async function showFeed(desk, view) {
  const { t } = desk;
  const feed = await desk.api.get('/desk/api/feed');
  const list = h('ol', { class: 'feed' });
  for (const c of feed) {
    const when = new Date(c.recorded_at);
    const whenText = isNaN(when) ? '' : when.toLocaleString(desk.config.lang, { dateStyle: 'medium', timeStyle: 'short' });
    list.appendChild(h('li', { class: 'entry' },
      h('p', { class: 'entry-head' }, c.retracts ? null : symbolSVG(c.holder), ' ',
        h('a', { href: '#place/' + encodeURIComponent(c.settlement) }, c.settlement_name), ' · ', desk.sourceName(c.source), ' · ',
        c.retracts ? t('history.retraction', { id: c.retracts }) : t('holder.' + c.holder) + (c.degree ? ', ' + t('degree.' + c.degree) : ''),
        ' · ', t.date(c.valid_at)),
      h('p', { class: 'summary' }, c.summary),
      c.editorial_reason ? h('p', { class: 'editorial' }, t('history.editorial', { reason: c.editorial_reason })) : null,
      provenance(t, c.report),
      h('p', { class: 'meta' }, t('feed.by', { by: c.recorded_by || '—', when: whenText }))));
  }
  clear(view).append(h('h1', {}, t('feed.title')), feed.length ? list : h('p', { class: 'empty' }, t('feed.empty')));
}
