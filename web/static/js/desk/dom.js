// dom: build elements from data without HTML strings, so report text, names and summaries are always text.

// h(tag, attrs, ...children): attrs sets properties for on* handlers and 'class'/'dataset'/boolean flags, and
// attributes otherwise; children are nodes or strings (made text nodes); null and false are skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// clear removes every child of el.
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let ids = 0;
// uid returns a fresh element id with prefix.
export function uid(prefix) {
  ids += 1;
  return prefix + '-' + ids;
}

// field wraps a control with its label and an error slot; returns the wrapper.
export function field(label, control, hint) {
  const id = control.id || uid('f');
  control.id = id;
  const err = h('p', { class: 'field-error', id: id + '-error', role: 'alert', hidden: true });
  const described = [hint ? id + '-hint' : null, id + '-error'].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', described);
  return h('div', { class: 'field', dataset: { field: control.name || '' } },
    h('label', { for: id }, label), control, hint ? h('p', { class: 'hint', id: id + '-hint' }, hint) : null, err);
}

// select makes a <select> of options [value, text].
export function select(name, options, value) {
  const el = h('select', { name });
  for (const [v, text] of options) el.appendChild(h('option', { value: v }, text));
  if (value !== undefined && value !== null) el.value = value;
  return el;
}
