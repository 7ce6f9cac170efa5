// The claim form without a report: a geocoder-backed settlement search that warns about namesakes, the source
// picker with "add as new source", and the claim's fields. The history view uses the same form to correct a claim.
import { h, clear, field } from './dom.js';
import { claimFields, describeError, clearErrors } from './claimfields.js';

function placeLabel(c) {
  return [c.name, c.admin2, c.admin1, c.country].filter(Boolean).join(', ');
}

export function showClaimForm(desk, view) {
  const { t } = desk;
  const form = claimForm(desk, {});
  clear(view).append(h('h1', {}, t('claim.title')), h('p', {}, t('claim.intro')), form.el);
  form.focus();
}

// claimForm builds the form. opts.settlement ({id, name}) fixes the settlement; opts.initial pre-fills the
// fields; opts.supersedes makes it a correction of that claim (its source fixed); opts.done(claim) is told of
// the recorded claim.
export function claimForm(desk, opts) {
  const { t } = desk;
  let settlement = opts.settlement || null;
  const chosen = h('p', { class: 'chosen', role: 'status' }, settlement ? t('claim.chosen', { name: settlement.name }) : '');
  const results = h('div', { class: 'search-results', 'aria-live': 'polite' });
  const search = h('input', { type: 'search', name: 'settlement', autocomplete: 'off' });
  const find = h('button', { type: 'button' }, t('claim.search.button'));
  const searchBox = h('div', { class: 'place-search' },
    field(t('claim.search'), search, t('claim.search.hint')), find, results);
  if (settlement) searchBox.hidden = true;

  async function lookup() {
    const raw = search.value.trim();
    if (!raw) return;
    const [q, ...rest] = raw.split(',');
    const res = await desk.api.get('/api/geocode', { q: q.trim(), context: rest.join(',').trim() });
    clear(results);
    if (!res.candidates.length) {
      results.appendChild(h('p', { class: 'notice' }, t('claim.none', { q: raw })));
      return;
    }
    if (res.ambiguous || res.candidates.length > 1) {
      results.appendChild(h('p', { class: 'notice namesake', role: 'alert' }, t('claim.namesake', { q: q.trim() })));
    } else {
      results.appendChild(h('p', {}, t('claim.results', { q: raw })));
    }
    const list = h('ul', { class: 'candidates' });
    for (const c of res.candidates) {
      const pick = h('button', { type: 'button', class: 'pick' }, t('claim.choose'));
      pick.addEventListener('click', () => {
        settlement = { id: c.id, name: placeLabel(c) };
        chosen.textContent = t('claim.chosen', { name: settlement.name });
        clear(results);
        fields.controls.source.focus();
      });
      list.appendChild(h('li', {}, h('span', { class: 'cand' }, placeLabel(c)), ' ',
        h('span', { class: 'meta' }, c.id + ' · ' + c.lat.toFixed(3) + ', ' + c.lon.toFixed(3)), ' ', pick, ' ',
        h('a', { href: '#place/' + encodeURIComponent(c.id) }, t('claim.history'))));
    }
    results.appendChild(list);
  }
  find.addEventListener('click', () => lookup().catch((err) => { results.textContent = describeError(t, err); }));
  search.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      find.click();
    }
  });

  const initial = Object.assign({ published_at: desk.config.today, valid_at: desk.config.today }, opts.initial || {});
  const fields = claimFields(t, desk, initial, { lockSource: !!opts.supersedes });
  const status = h('p', { class: 'status', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('claim.submit'));
  const el = h('form', { class: 'claim-form', novalidate: true },
    opts.supersedes ? h('p', { class: 'notice' }, t('claim.supersedes', { id: opts.supersedes, source: desk.sourceName(initial.source) })) : null,
    searchBox, chosen, fields.el, h('p', {}, submit), status);
  el.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    fields.clear();
    clearErrors(searchBox);
    status.textContent = '';
    const body = Object.assign({ settlement: settlement ? settlement.id : '' }, fields.values());
    if (opts.supersedes) {
      body.supersedes = String(opts.supersedes);
      body.source = initial.source;
    }
    submit.disabled = true;
    try {
      const claim = await desk.api.post('/desk/api/claims', body);
      status.textContent = t('claim.saved', { id: claim.id });
      if (opts.done) opts.done(claim);
    } catch (err) {
      const msg = describeError(t, err);
      status.textContent = msg;
      if (err.field === 'settlement') {
        searchBox.hidden = false;
        const e = searchBox.querySelector('.field-error');
        e.textContent = msg;
        e.hidden = false;
        search.setAttribute('aria-invalid', 'true');
      } else fields.fail(err.field, msg);
    } finally {
      submit.disabled = false;
    }
  });
  return { el, focus: () => (settlement ? fields.controls.holder : search).focus() };
}
