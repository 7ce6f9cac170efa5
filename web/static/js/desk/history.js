// A settlement's history in the desk: every claim, corrected and withdrawn ones included, with where it came from
// ("from report: outlet, date"), who recorded it, and for claims in force: correct (a superseding claim from the
// same source) or retract (the source's own retraction, or an admin's editorial retraction with a reason).
import { h, clear, field } from './dom.js';
import { symbolSVG } from '../shared/symbols.js';
import { claimForm } from './claimform.js';
import { describeError, failField } from './claimfields.js';

export async function showHistory(desk, view, id) {
  const { t } = desk;
  const f = await desk.api.get('/desk/api/settlements/' + encodeURIComponent(id));
  const props = f.properties;
  const history = props.history || [];
  const list = h('ol', { class: 'history' });
  for (const e of history.slice().reverse()) list.appendChild(entry(desk, e, props, () => showHistory(desk, view, id)));
  clear(view).append(
    h('h1', {}, t('history.title', { name: props.name })),
    h('p', {}, t('history.intro')),
    history.length ? list : h('p', { class: 'empty' }, t('history.empty')));
}

// provenance is the "from report: outlet, date" line, linked to the report's address when there is one.
export function provenance(t, rep) {
  if (!rep) return null;
  const text = t('history.from_report', { outlet: rep.outlet || '—', date: t.date(rep.published) });
  return h('p', { class: 'provenance' }, rep.url ? h('a', { href: rep.url, rel: 'noopener noreferrer', target: '_blank' }, text) : text);
}

function entry(desk, e, props, reload) {
  const { t } = desk;
  const state = e.retracts ? t('history.retraction', { id: e.retracts })
    : e.superseded_by ? t('history.superseded', { id: e.superseded_by })
      : e.retracted_by ? t('history.retracted', { id: e.retracted_by }) : t('history.inforce');
  const inForce = !e.retracts && !e.superseded_by && !e.retracted_by;
  const actions = h('div', { class: 'entry-actions' });
  const li = h('li', { class: 'entry' + (inForce ? ' in-force' : ' replaced'), dataset: { claim: String(e.id) } },
    h('p', { class: 'entry-head' },
      e.retracts ? null : symbolSVG(e.holder === 'unknown' ? 'unknown' : e.holder),
      ' ', h('strong', {}, t.date(e.valid_at)), ' · ', desk.sourceName(e.source), ' · ',
      e.retracts ? '' : t('holder.' + e.holder) + (e.degree ? ', ' + t('degree.' + e.degree) : ''),
      ' ', h('span', { class: 'badge' }, '#' + e.id + ' ' + state)),
    h('p', { class: 'summary' }, e.summary),
    e.editorial_reason ? h('p', { class: 'editorial' }, t('history.editorial', { reason: e.editorial_reason })) : null,
    provenance(t, e.report),
    e.recorded_by ? h('p', { class: 'meta' }, t('history.recorded', { by: e.recorded_by })) : null,
    actions);
  if (!inForce) return li;
  const correct = h('button', { type: 'button', 'aria-expanded': 'false' }, t('history.correct'));
  const retract = h('button', { type: 'button', 'aria-expanded': 'false' }, t('history.retract'));
  const panel = h('div', { class: 'entry-panel', hidden: true });
  actions.append(correct, ' ', retract, panel);
  const open = (btn, build) => {
    const wasOpen = btn.getAttribute('aria-expanded') === 'true';
    for (const b of [correct, retract]) b.setAttribute('aria-expanded', 'false');
    clear(panel);
    panel.hidden = wasOpen;
    if (wasOpen) return;
    btn.setAttribute('aria-expanded', 'true');
    build();
  };
  correct.addEventListener('click', () => open(correct, () => {
    const initial = { source: e.source, holder: e.holder, degree: e.degree, valid_at: e.valid_at,
      valid_precision: e.valid_precision, published_at: desk.config.today, evidence: e.evidence, summary: e.summary,
      relayed_by: e.relayed_by };
    const form = claimForm(desk, { settlement: { id: props.id, name: props.name }, initial, supersedes: e.id, done: () => reload() });
    panel.appendChild(form.el);
    form.focus();
  }));
  retract.addEventListener('click', () => open(retract, () => {
    const summary = h('textarea', { name: 'summary', rows: 2, maxlength: 1000 });
    const editorial = h('input', { type: 'checkbox', name: 'editorial', id: 'editorial-' + e.id });
    const status = h('p', { class: 'status', role: 'alert' });
    const sf = field(t('history.retract.summary'), summary);
    const submit = h('button', { type: 'submit', class: 'primary' }, t('history.retract.submit'));
    const form = h('form', { class: 'retract-form', novalidate: true }, sf,
      desk.config.role === 'admin' ? h('p', {}, editorial, ' ', h('label', { for: editorial.id }, t('history.retract.editorial'))) : null,
      h('p', {}, submit), status);
    editorial.addEventListener('change', () => {
      sf.querySelector('label').textContent = editorial.checked ? t('history.retract.reason') : t('history.retract.summary');
    });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const c = await desk.api.post('/desk/api/claims/' + e.id + '/retract', { summary: summary.value.trim(), editorial: editorial.checked });
        status.textContent = t('history.retract.done', { id: c.retracts });
        reload();
      } catch (err) {
        const msg = describeError(t, err);
        status.textContent = msg;
        failField(form, err.field, msg);
      }
    });
    panel.appendChild(form);
    summary.focus();
  }));
  return li;
}
