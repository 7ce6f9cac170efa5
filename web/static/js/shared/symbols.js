// tiled symbols as an ES module: one shape per status so that status reads without colour (Russia a circle,
// Ukraine a square, contested a triangle, disputed a hatched diamond, unknown a small hollow circle), in the
// Okabe–Ito colours of tiles/style.go and js/symbols.js. symbolSVG makes the inline SVG used in lists and chips.

export const COLORS = { ru: '#D55E00', ua: '#0072B2', contested: '#E69F00', disputed: '#CC79A7', unknown: '#999999' };
export const OUTLINES = { ru: '#6b2d00', ua: '#00395a', contested: '#7a5200', disputed: '#1b1b1b', unknown: '#6e6e6e' };
export const STATUSES = ['ru', 'ua', 'contested', 'disputed', 'unknown'];

const NS = 'http://www.w3.org/2000/svg';

function shape(status) {
  switch (status) {
    case 'ru': return ['circle', { cx: 8, cy: 8, r: 6 }];
    case 'ua': return ['rect', { x: 2.5, y: 2.5, width: 11, height: 11 }];
    case 'contested': return ['polygon', { points: '8,1.5 14.5,13.5 1.5,13.5' }];
    case 'disputed': return ['polygon', { points: '8,1 15,8 8,15 1,8' }];
    default: return ['circle', { cx: 8, cy: 8, r: 4 }];
  }
}

// symbolSVG returns a 16×16 SVG element of status's shape, hidden from assistive technology (the text next to
// it names the status).
export function symbolSVG(status, size = 16) {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', size);
  svg.setAttribute('height', size);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'symbol symbol-' + status);
  const [tag, attrs] = shape(status);
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  const known = COLORS[status] ? status : 'unknown';
  el.setAttribute('fill', status === 'unknown' ? '#fff' : status === 'disputed' ? '#fff' : COLORS[known]);
  el.setAttribute('stroke', status === 'disputed' ? COLORS.disputed : OUTLINES[known]);
  el.setAttribute('stroke-width', status === 'disputed' ? 2.5 : 1.5);
  svg.appendChild(el);
  return svg;
}
