// The review screen: the report's text with every place mention marked (found, ambiguous, not in the gazetteer:
// each with its own outline and glyph, not colour alone), a mini-map of its places and one editable card per
// proposed claim, to accept (as edited), or reject. Accepting goes through the same atlas call as the API's.
import { h, clear, field, uid } from './dom.js';
import { claimFields, describeError, failField } from './claimfields.js';
import { claimForm } from './claimform.js';
import { miniMap } from './minimap.js';

// chars splits a string into code points: the parser's offsets count characters, not UTF-16 units.
const chars = (s) => Array.from(s || '');

function placeLabel(p) {
  if (!p) return '';
  return [p.name, p.admin2, p.admin1].filter(Boolean).join(', ');
}

export async function showReview(desk, view, id) {
  const { t } = desk;
  const data = await desk.api.get('/desk/api/reports/' + id);
  const rep = data;
  const text = chars(rep.text);
  const gaz = data.gazetteer || {};
  const places = data.places || [];
  const claims = data.claims || [];
  const reviews = new Map((data.reviews || []).map((r) => [r.proposal, r]));
  const choice = places.map((p) => p.id || '');
  const cardsByPlace = new Map(); // place index -> [card]

  // The text with its mentions.
  const textEl = h('div', { class: 'report-text', lang: rep.language || null });
  const marks = [];
  let at = 0;
  const order = places.map((p, i) => [p, i]).filter(([p]) => p.end > p.start).sort((a, b) => a[0].start - b[0].start);
  for (const [p, i] of order) {
    if (p.start < at) continue;
    textEl.appendChild(document.createTextNode(text.slice(at, p.start).join('')));
    const state = p.kind === 'region' ? 'region' : !p.id && !(p.alternatives || []).length ? 'unresolved' : p.ambiguous ? 'ambiguous' : 'resolved';
    const note = state === 'region' ? t('mention.region') : t('mention.' + state);
    const mark = h('mark', { class: 'mention mention-' + state, dataset: { place: String(i) }, title: note + (p.id ? ': ' + placeLabel(gaz[p.id] || p) : '') },
      text.slice(p.start, p.end).join(''), h('span', { class: 'visually-hidden' }, ' (' + note + ')'));
    marks[i] = mark;
    textEl.appendChild(mark);
    at = p.end;
  }
  textEl.appendChild(document.createTextNode(text.slice(at).join('')));

  const legend = h('p', { class: 'legend' }, t('review.legend'), ' ',
    h('mark', { class: 'mention mention-resolved' }, t('mention.resolved')), ' ',
    h('mark', { class: 'mention mention-ambiguous' }, t('mention.ambiguous')), ' ',
    h('mark', { class: 'mention mention-unresolved' }, t('mention.unresolved')), ' ',
    h('mark', { class: 'mention mention-region' }, t('mention.region')));

  const mapEl = h('div', { class: 'minimap', id: 'minimap', role: 'region', 'aria-label': t('review.map') });
  const fixedEl = h('div', { class: 'fixed-places', 'aria-live': 'polite' });
  const choiceEl = h('div', { class: 'choices' });
  const cardsEl = h('div', { class: 'cards' });
  const meta = [rep.outlet, t.date(rep.published_at)].filter(Boolean).join(', ');
  clear(view).append(
    h('h1', {}, t('review.title'), ': ', rep.title || rep.outlet || '#' + rep.id),
    h('p', { class: 'meta' }, meta, rep.url ? [' · ', h('a', { href: rep.url, rel: 'noopener noreferrer', target: '_blank' }, t('review.original'))] : null),
    h('div', { class: 'review-grid' },
      h('section', { class: 'review-text', 'aria-labelledby': 'rt-title' }, h('h2', { id: 'rt-title' }, t('review.text')), legend, textEl),
      h('section', { class: 'review-side', 'aria-labelledby': 'rp-title' },
        h('h2', { class: 'visually-hidden' }, t('review.map')), mapEl, choiceEl, fixedEl,
        h('h2', { id: 'rp-title' }, t('review.proposals')),
        claims.length ? cardsEl : h('p', { class: 'empty' }, t('review.none')))));

  const mm = miniMap(mapEl, desk);

  // choose sets the place chosen for mention i and updates its mark, the map and the cards that rest on it.
  // An ambiguous name is usually the same place each time a report repeats it: the choice applies to every
  // ambiguous mention with the same alternatives.
  const sameAlternatives = (a, b) => a.ambiguous && b.ambiguous &&
    JSON.stringify([...(a.alternatives || [])].sort()) === JSON.stringify([...(b.alternatives || [])].sort());
  function choose(i, placeID) {
    places.forEach((q, j) => { if (j !== i && sameAlternatives(places[i], q) && choice[j] !== placeID) chooseOne(j, placeID); });
    chooseOne(i, placeID);
  }
  function chooseOne(i, placeID) {
    choice[i] = placeID;
    const p = places[i];
    if (marks[i] && p.ambiguous) {
      marks[i].classList.remove('mention-ambiguous');
      marks[i].classList.add('mention-resolved', 'mention-chosen');
      marks[i].title = t('mention.resolved') + ': ' + placeLabel(gaz[placeID]);
      marks[i].lastChild.textContent = ' (' + t('mention.resolved') + ')';
    }
    mm.highlight(placeID, [p.id, ...(p.alternatives || [])].filter(Boolean));
    for (const b of choiceEl.querySelectorAll('button.pick-place')) {
      if ((p.alternatives || []).includes(b.dataset.place)) b.setAttribute('aria-pressed', String(b.dataset.place === placeID));
    }
    const cards = cardsByPlace.get(i) || [];
    for (const card of cards) card.setSettlement(placeID);
    if (!cards.length) offerClaim(placeID);
  }

  // offerClaim: the parser proposes no claim about a mention it could not place; once the editor has placed it,
  // the desk offers the claim form for that place, dated and attributed to the report's outlet.
  const offered = new Set();
  function offerClaim(placeID) {
    if (offered.has(placeID)) return;
    offered.add(placeID);
    const g = gaz[placeID] || { id: placeID, name: placeID };
    const form = claimForm(desk, { settlement: { id: placeID, name: placeLabel(g) },
      initial: { published_at: rep.published_at, valid_at: rep.published_at, valid_precision: 'week',
        relayed_by: rep.outlet || '', relay_url: rep.url || '' } });
    fixedEl.appendChild(h('details', { class: 'card offer', open: true },
      h('summary', {}, t('review.offer', { name: g.name })), form.el));
  }

  places.forEach((p, i) => {
    if (p.kind === 'region') return;
    const ids = [p.id, ...(p.alternatives || [])].filter(Boolean);
    const unique = [...new Set(ids)];
    for (const pid of unique) {
      const g = gaz[pid] || (pid === p.id ? p : null);
      if (!g) continue;
      const alt = p.ambiguous;
      mm.add(g, alt ? 'alt' : 'found', alt ? [g.name, g.admin2 || g.admin1].filter(Boolean).join(', ') : placeLabel(g),
        alt ? (picked) => choose(i, picked) : null);
    }
  });
  mm.fit();

  // The same choice without a mouse: each ambiguous name once, its namesakes as buttons.
  const seen = new Set();
  places.forEach((p, i) => {
    if (!p.ambiguous || p.kind === 'region') return;
    const key = JSON.stringify([...(p.alternatives || [])].sort());
    if (seen.has(key)) return;
    seen.add(key);
    const row = h('p', { class: 'choose-place' }, h('mark', { class: 'mention mention-ambiguous' }, p.mention), ' ');
    for (const id of p.alternatives || []) {
      const g = gaz[id];
      if (!g) continue;
      const b = h('button', { type: 'button', class: 'pick-place', dataset: { place: id } },
        t('card.pick', { name: [g.name, g.admin2 || g.admin1].filter(Boolean).join(', ') }));
      b.addEventListener('click', () => choose(i, id));
      row.append(b, ' ');
    }
    choiceEl.appendChild(row);
  });

  claims.forEach((cl, n) => {
    const pi = placeOf(places, cl);
    const card = buildCard(desk, rep, cl, n, pi >= 0 ? places[pi] : null, gaz, reviews.get(n), text);
    if (pi >= 0) {
      if (!cardsByPlace.has(pi)) cardsByPlace.set(pi, []);
      cardsByPlace.get(pi).push(card);
      card.onChoose = (placeID) => choose(pi, placeID);
    }
    cardsEl.appendChild(card.el);
  });
}

// placeOf finds the mention a proposed claim's settlement came from: a mention inside the claim's span naming
// the settlement (or holding it among its alternatives), else any mention naming it.
function placeOf(places, cl) {
  const names = (p) => [p.id, ...(p.alternatives || [])].includes(cl.settlement);
  let best = -1;
  places.forEach((p, i) => {
    if (p.kind === 'region' || !names(p)) return;
    const inside = p.start >= cl.start && p.end <= cl.end;
    if (best < 0 || (inside && !(places[best].start >= cl.start && places[best].end <= cl.end))) best = i;
  });
  return best;
}

function buildCard(desk, rep, cl, n, place, gaz, review, text) {
  const { t } = desk;
  const titleID = uid('card');
  const status = h('p', { class: 'card-status', role: 'alert' });
  const badge = h('span', { class: 'badge' });
  const options = [];
  const ids = [...new Set([cl.settlement, ...(place ? [place.id, ...(place.alternatives || [])] : [])].filter(Boolean))];
  for (const id of ids) options.push([id, placeLabel(gaz[id]) || id]);
  const settlement = h('select', { name: 'settlement' });
  if (!ids.length) settlement.appendChild(h('option', { value: '' }, t('card.unresolved')));
  for (const [v, label] of options) settlement.appendChild(h('option', { value: v }, label));
  settlement.value = cl.settlement || '';
  const settlementField = field(t('card.settlement'), settlement,
    place && place.ambiguous ? t('card.alternatives') : null);
  const initial = Object.assign({}, cl, {
    relayed_by: cl.relayed_by || rep.outlet || '',
    relay_url: rep.url || '',
    published_at: cl.published_at || rep.published_at,
  });
  const fields = claimFields(t, desk, initial);
  const reason = h('input', { type: 'text', name: 'reason', maxlength: 500 });
  const accept = h('button', { type: 'button', class: 'primary accept' }, t('card.accept'));
  const reject = h('button', { type: 'button', class: 'reject' }, t('card.reject'));
  const words = text.slice(cl.start, cl.end).join('');
  const confidence = typeof cl.confidence === 'number' ? t('card.confidence', { p: Math.round(cl.confidence * 100) }) : '';
  const el = h('article', { class: 'card', 'aria-labelledby': titleID, dataset: { proposal: String(n) } },
    h('h3', { id: titleID }, t('card.title', { n: n + 1 }), ' ', badge, confidence ? h('span', { class: 'confidence' }, confidence) : null),
    words ? h('figure', { class: 'words' }, h('figcaption', {}, t('review.words')), h('blockquote', {}, words)) : null,
    settlementField, fields.el,
    h('details', { class: 'reject-reason' }, h('summary', {}, t('card.reject_reason')), field(t('card.reject_reason'), reason)),
    h('p', { class: 'card-actions' }, accept, ' ', reject), status);

  const card = { el, onChoose: null, setSettlement(id) { if ([...settlement.options].some((o) => o.value === id)) settlement.value = id; } };
  settlement.addEventListener('change', () => { if (card.onChoose) card.onChoose(settlement.value); });

  function decided(rv) {
    el.classList.add('decided', 'decided-' + rv.decision);
    badge.textContent = rv.decision === 'accepted' ? t('card.accepted', { id: rv.claim }) : t('card.rejected');
    for (const ctl of el.querySelectorAll('input, select, textarea, button')) ctl.disabled = true;
  }
  badge.textContent = t('card.pending');
  if (review) decided(review);

  async function act(kind) {
    fields.clear();
    status.textContent = '';
    accept.disabled = reject.disabled = true;
    const path = '/desk/api/reports/' + rep.id + '/proposals/' + n + '/' + kind;
    try {
      let rv;
      if (kind === 'accept') {
        const body = Object.assign({ settlement: settlement.value }, fields.values());
        const claim = await desk.api.post(path, body);
        rv = { decision: 'accepted', claim: claim.id };
      } else {
        rv = await desk.api.post(path, { reason: reason.value.trim() });
      }
      decided(rv);
      status.textContent = badge.textContent;
    } catch (err) {
      accept.disabled = reject.disabled = false;
      if (err.code === 'already_reviewed') {
        status.textContent = t('card.conflict', { msg: err.message });
        decided({ decision: /rejected/.test(err.message) ? 'rejected' : 'accepted', claim: (/claim (\d+)/.exec(err.message) || [])[1] });
        return;
      }
      const msg = describeError(t, err);
      status.textContent = msg;
      if (err.field === 'settlement') failField(el, 'settlement', msg);
      else fields.fail(err.field, msg);
    }
  }
  accept.addEventListener('click', () => act('accept'));
  reject.addEventListener('click', () => act('reject'));
  return card;
}
