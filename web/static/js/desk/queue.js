// The queue (reports with proposals not yet reviewed, newest first) and the form that pastes a new report.
import { h, clear, field, select } from './dom.js';
import { failField, clearErrors, describeError } from './claimfields.js';

export async function showQueue(desk, view) {
  const { t } = desk;
  const reports = await desk.api.get('/desk/api/reports');
  const list = h('ul', { class: 'queue' });
  for (const r of reports) {
    const total = r.proposals || 0;
    list.appendChild(h('li', {},
      h('a', { href: '#report/' + r.id }, r.title || r.outlet || '#' + r.id),
      ' ', h('span', { class: 'meta' }, [r.outlet, t.date(r.published_at)].filter(Boolean).join(', ')),
      ' ', h('span', { class: 'badge' }, total ? t('queue.reviewed', { n: r.reviewed || 0, total }) : t('queue.none'))));
  }
  clear(view).append(
    h('h1', {}, t('queue.title')),
    h('p', {}, h('a', { href: '#new', class: 'button primary' }, t('queue.new'))),
    reports.length ? list : h('p', { class: 'empty' }, t('queue.empty')));
}

export function showNewReport(desk, view) {
  const { t } = desk;
  const langOpts = ['en', 'ru', 'uk'].map((l) => [l, t('lang.' + l)]);
  const text = h('textarea', { name: 'text', rows: 14, required: true, spellcheck: 'false' });
  const title = h('input', { type: 'text', name: 'title' });
  const outlet = h('input', { type: 'text', name: 'outlet' });
  const url = h('input', { type: 'url', name: 'url', placeholder: 'https://' });
  const published = h('input', { type: 'date', name: 'published_at', value: desk.config.today, required: true });
  const language = select('language', langOpts, desk.config.lang === 'en' ? 'en' : desk.config.lang);
  const status = h('p', { class: 'status', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('new.submit'));
  const form = h('form', { class: 'new-report', novalidate: true },
    h('div', { class: 'row' }, field(t('new.headline'), title), field(t('new.outlet'), outlet)),
    h('div', { class: 'row' }, field(t('new.url'), url), field(t('new.published'), published), field(t('new.language'), language)),
    field(t('new.text'), text, t('new.private')),
    h('p', {}, submit), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    status.textContent = t('new.parsing');
    const body = { text: text.value, title: title.value.trim(), outlet: outlet.value.trim(), url: url.value.trim(),
      published_at: published.value, language: language.value };
    try {
      const r = await desk.api.post('/desk/api/reports', body);
      desk.go('#report/' + r.id);
    } catch (err) {
      status.textContent = describeError(t, err);
      failField(form, err.field, describeError(t, err));
    } finally {
      submit.disabled = false;
    }
  });
  clear(view).append(h('h1', {}, t('new.title')), form);
  title.focus();
}
