// Tokens (admins): who can write, their roles and live sessions; make a token for a new editor (its secret is
// shown once, here), revoke one (its sessions end at once).
import { h, clear, field, select } from './dom.js';
import { describeError } from './claimfields.js';

export async function showTokens(desk, view) {
  const { t } = desk;
  const toks = await desk.api.get('/desk/api/tokens');
  const rows = toks.map((k) => {
    const revoke = k.revoked_at ? t('tokens.revoked') : h('button', { type: 'button' }, t('tokens.revoke'));
    if (!k.revoked_at) {
      revoke.addEventListener('click', async () => {
        await desk.api.post('/desk/api/tokens/' + encodeURIComponent(k.name) + '/revoke');
        showTokens(desk, view);
      });
    }
    return h('tr', {}, h('th', { scope: 'row' }, k.name), h('td', {}, t('role.' + k.role)),
      h('td', {}, String(k.sessions)), h('td', {}, revoke));
  });
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: 100 });
  const role = select('role', [['editor', t('role.editor')], ['admin', t('role.admin')]], 'editor');
  const out = h('div', { class: 'status', role: 'status' });
  const form = h('form', { class: 'claim-form token-form', novalidate: true },
    h('div', { class: 'row' }, field(t('tokens.name'), name), field(t('tokens.role'), role)),
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, t('tokens.create'))), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await desk.api.post('/desk/api/tokens', { name: name.value.trim(), role: role.value });
      clear(out).append(h('p', {}, t('tokens.created', { name: r.token.name })),
        h('p', {}, h('code', { class: 'secret' }, r.secret)));
    } catch (err) {
      clear(out).append(describeError(t, err));
    }
  });
  clear(view).append(h('h1', {}, t('tokens.title')), form,
    h('table', { class: 'sources' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('tokens.name')),
      h('th', { scope: 'col' }, t('tokens.role')), h('th', { scope: 'col' }, t('tokens.sessions')), h('th', { scope: 'col' }, ''))),
    h('tbody', {}, rows)));
}
