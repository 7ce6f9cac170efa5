// The source registry: every source with its kind, alignment and reliability grade; admins grade sources here.
import { h, clear, uid } from './dom.js';
import { describeError } from './claimfields.js';

const GRADES = ['A', 'B', 'C', 'D', 'E', 'F'];

export async function showSources(desk, view) {
  const { t } = desk;
  const sources = await desk.api.get('/api/sources');
  desk.sources.splice(0, desk.sources.length, ...sources);
  const admin = desk.config.role === 'admin';
  const rows = sources.map((s) => {
    const status = h('span', { class: 'status', role: 'status' });
    let grade = t('rel.' + s.reliability);
    if (admin) {
      const id = uid('grade');
      const sel = h('select', { id, name: 'reliability', 'aria-label': t('sources.grade', { name: s.name }) },
        GRADES.map((g) => h('option', { value: g }, t('rel.' + g))));
      sel.value = s.reliability;
      const save = h('button', { type: 'button' }, t('sources.save'));
      save.addEventListener('click', async () => {
        try {
          const out = await desk.api.post('/desk/api/sources/' + encodeURIComponent(s.id) + '/grade', { reliability: sel.value });
          status.textContent = t('sources.saved', { grade: out.reliability });
        } catch (err) {
          status.textContent = describeError(t, err);
        }
      });
      grade = [sel, ' ', save, ' ', status];
    }
    return h('tr', {}, h('th', { scope: 'row' }, s.name, h('br'), h('span', { class: 'meta' }, s.id)),
      h('td', {}, s.kind), h('td', {}, t('align.' + s.alignment)), h('td', {}, grade));
  });
  clear(view).append(h('h1', {}, t('sources.title')), admin ? null : h('p', { class: 'meta' }, t('sources.adminonly')),
    h('table', { class: 'sources' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('src.name')), h('th', { scope: 'col' }, t('src.kind')),
        h('th', { scope: 'col' }, t('src.alignment')), h('th', { scope: 'col' }, t('sources.reliability')))),
      h('tbody', {}, rows)));
}
