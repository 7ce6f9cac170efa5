// tiled i18n: the interface strings of one language (sent by the server in the page's config, from the same
// strings files the server renders with) and the date format of that language. Shared by the map and the desk.

// translator returns t(key, vars): the string key with each {name} replaced by vars[name]; the key itself when
// the language has no such string. t.date(iso) formats a YYYY-MM-DD date in words ("18 March 2025").
export function translator(strings) {
  const s = strings || {};
  const t = (key, vars) => {
    let out = Object.prototype.hasOwnProperty.call(s, key) ? s[key] : key;
    if (vars) {
      for (const [k, v] of Object.entries(vars)) out = out.split('{' + k + '}').join(String(v));
    }
    return out;
  };
  const months = (s.months || '').split('|');
  t.date = (iso) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
    if (!m || months.length !== 12) return iso || '';
    return t('date.format', { d: String(Number(m[3])), m: months[Number(m[2]) - 1], y: m[1] });
  };
  t.has = (key) => Object.prototype.hasOwnProperty.call(s, key);
  return t;
}
