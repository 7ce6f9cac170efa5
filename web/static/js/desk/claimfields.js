// claimfields: the editable fields of a claim, shared by the review cards and the claim form. The values are the
// claims CSV columns, as POST /api/claims and the proposal's accept take them, so errors name the same fields.
import { h, field, select } from './dom.js';

export const HOLDERS = ['ru', 'ua', 'contested', 'unknown'];
export const DEGREES = ['full', 'partial', 'advance', 'presence', 'fighting', 'infiltration', 'encircled', 'attack-repelled'];
export const PRECISIONS = ['day', 'week', 'month'];
export const EVIDENCE = ['geolocated-footage', 'official-statement', 'analyst-assessment', 'milblogger-report', 'map-update'];
export const ALIGNMENTS = ['ru', 'ua', 'independent'];

// sourceOptions lists the registry for a source picker, with a blank first choice.
export function sourceOptions(t, sources) {
  return [['', t('card.source.choose')]].concat(sources.map((s) => [s.id, s.name + ' (' + s.id + ')']));
}

// claimFields builds the fields below the settlement for a claim (source, holder, degree, dates, evidence,
// summary, relay) from initial values. It returns {el, values(), fail(field, msg), clear(), controls}.
// opts.lockSource keeps the source fixed (corrections come from the same source); opts.onAddSource(source)
// is told about a source added from the inline form.
export function claimFields(t, desk, initial, opts = {}) {
  const v = initial || {};
  const c = {};
  c.source = select('source', sourceOptions(t, desk.sources), v.source || '');
  if (opts.lockSource) c.source.disabled = true;
  c.holder = select('holder', HOLDERS.map((x) => [x, t('holder.' + x)]), v.holder || 'unknown');
  c.degree = select('degree', [['', t('degree.')]].concat(DEGREES.map((x) => [x, t('degree.' + x)])), v.degree || '');
  c.valid_at = h('input', { type: 'date', name: 'valid_at', value: v.valid_at || '', required: true });
  c.valid_precision = select('valid_precision', PRECISIONS.map((x) => [x, t('precision.' + x)]), v.valid_precision || 'day');
  c.published_at = h('input', { type: 'date', name: 'published_at', value: v.published_at || '', required: true });
  c.evidence = select('evidence', [['', t('degree.')]].concat(EVIDENCE.map((x) => [x, t('evidence.' + x)])), v.evidence || '');
  c.summary = h('textarea', { name: 'summary', rows: 2, maxlength: 1000, required: true });
  c.summary.value = v.summary || '';
  c.relayed_by = h('input', { type: 'text', name: 'relayed_by', value: v.relayed_by || '' });

  const sourceWrap = field(t('card.source'), c.source);
  const addBox = h('div', { class: 'add-source', hidden: true });
  if (!opts.lockSource) {
    const mention = v.source_mention || '';
    if (!v.source && mention) {
      sourceWrap.appendChild(h('p', { class: 'notice' }, t('card.source.none', { mention })));
    }
    const toggle = h('button', { type: 'button', class: 'linkish', 'aria-expanded': 'false' }, t('card.source.add'));
    toggle.addEventListener('click', () => {
      addBox.hidden = !addBox.hidden;
      toggle.setAttribute('aria-expanded', String(!addBox.hidden));
      if (!addBox.hidden) addBox.querySelector('input').focus();
    });
    sourceWrap.appendChild(toggle);
    buildAddSource(t, desk, addBox, mention, (src) => {
      c.source.appendChild(h('option', { value: src.id }, src.name + ' (' + src.id + ')'));
      c.source.value = src.id;
      addBox.hidden = true;
      toggle.setAttribute('aria-expanded', 'false');
      if (opts.onAddSource) opts.onAddSource(src);
      c.source.focus();
    });
  }
  const el = h('div', { class: 'claim-fields' },
    sourceWrap, addBox,
    h('div', { class: 'row' }, field(t('card.holder'), c.holder), field(t('card.degree'), c.degree)),
    h('div', { class: 'row' }, field(t('card.valid_at'), c.valid_at), field(t('card.precision'), c.valid_precision),
      field(t('card.published_at'), c.published_at)),
    h('div', { class: 'row' }, field(t('card.evidence'), c.evidence), field(t('card.relayed_by'), c.relayed_by)),
    field(t('card.summary'), c.summary));

  function values() {
    const out = {};
    for (const [k, ctl] of Object.entries(c)) {
      const val = ctl.value.trim();
      if (val !== '') out[k] = val;
    }
    if (v.relay_url) out.relay_url = v.relay_url;
    return out;
  }
  return { el, controls: c, values, fail: (name, msg) => failField(el, name, msg), clear: () => clearErrors(el) };
}

// failField marks the control named name invalid with msg; returns false when el has no such control.
export function failField(root, name, msg) {
  const ctl = root.querySelector('[name="' + CSS.escape(name) + '"]');
  if (!ctl) return false;
  ctl.setAttribute('aria-invalid', 'true');
  const err = root.querySelector('#' + CSS.escape(ctl.id + '-error'));
  if (err) {
    err.textContent = msg;
    err.hidden = false;
  }
  return true;
}

export function clearErrors(root) {
  for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of root.querySelectorAll('.field-error')) {
    el.textContent = '';
    el.hidden = true;
  }
}

// describeError turns an API error into "Field: what is wrong" in the interface language where it names a field.
export function describeError(t, err) {
  if (err.field && t.has('field.' + err.field)) return t('card.invalid', { field: t('field.' + err.field), msg: err.message });
  return t('error.generic', { msg: err.message });
}

function slug(s) {
  return s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
}

// buildAddSource fills box with the "add as new source" form: id, name, kind, alignment.
function buildAddSource(t, desk, box, mention, done) {
  const id = h('input', { type: 'text', name: 'id', value: slug(mention), pattern: '[a-z0-9]+(-[a-z0-9]+)*', required: true });
  const name = h('input', { type: 'text', name: 'name', value: mention, required: true });
  const kind = h('input', { type: 'text', name: 'kind', required: true });
  const alignment = select('alignment', ALIGNMENTS.map((x) => [x, t('align.' + x)]), 'independent');
  const status = h('p', { class: 'status', role: 'status' });
  const save = h('button', { type: 'button' }, t('src.save'));
  save.addEventListener('click', async () => {
    clearErrors(box);
    const body = { id: id.value.trim(), name: name.value.trim(), kind: kind.value.trim(), alignment: alignment.value };
    try {
      const src = await desk.api.post('/desk/api/sources', body);
      desk.sources.push(src);
      status.textContent = t('src.added', { id: src.id });
      done(src);
    } catch (err) {
      if (!failField(box, err.field, describeError(t, err))) status.textContent = describeError(t, err);
    }
  });
  box.append(h('div', { class: 'row' }, field(t('src.id'), id), field(t('src.name'), name)),
    h('div', { class: 'row' }, field(t('src.kind'), kind), field(t('src.alignment'), alignment)), save, status);
}
