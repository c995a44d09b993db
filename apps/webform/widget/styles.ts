/*
 * The widget's stylesheet (lives inside the shadow root, so it neither leaks out nor gets hit by the
 * page's selectors) and the theme derived from the form's colours.
 */
import type { PublicWebform } from '../../../libs/contracts/src/webform.js';

const FONT = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif';

export const CSS = `
:host{all:initial}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
.root{font:400 14px/1.45 ${FONT};color:var(--t);text-align:left;letter-spacing:normal;word-spacing:normal;text-transform:none;-webkit-font-smoothing:antialiased}
button,input,select,textarea{font:inherit;color:inherit;letter-spacing:inherit;margin:0}
button{cursor:pointer}
.launcher{position:fixed;bottom:20px;right:20px;z-index:2;display:inline-flex;align-items:center;gap:8px;height:48px;max-width:calc(100vw - 40px);padding:0 20px 0 16px;border:0;border-radius:24px;background:var(--p);color:var(--op);font-size:15px;font-weight:600;line-height:1;white-space:nowrap;box-shadow:0 6px 20px rgba(0,0,0,.18),0 2px 6px rgba(0,0,0,.12);transition:transform .15s,box-shadow .15s}
.launcher:hover{transform:translateY(-1px);box-shadow:0 10px 26px rgba(0,0,0,.22),0 3px 8px rgba(0,0,0,.12)}
.launcher span{overflow:hidden;text-overflow:ellipsis}
.launcher:focus-visible,.btn:focus-visible{outline:0;box-shadow:0 0 0 3px var(--bg),0 0 0 5px var(--p)}
.bd{position:fixed;top:0;right:0;bottom:0;left:0;z-index:1;background:rgba(15,23,42,.22);animation:fade .15s ease-out}
.panel{position:fixed;bottom:84px;right:20px;z-index:3;display:flex;flex-direction:column;width:384px;max-width:calc(100vw - 40px);max-height:calc(100vh - 108px);background:var(--bg);color:var(--t);border-radius:16px;overflow:hidden;box-shadow:0 16px 48px rgba(0,0,0,.24),0 2px 8px rgba(0,0,0,.08);animation:rise .18s ease-out}
.left .launcher,.left .panel{right:auto;left:20px}
.head{display:flex;align-items:flex-start;gap:12px;padding:16px 14px 16px 20px;background:var(--p);color:var(--op)}
h2{flex:1;margin:0;padding-top:5px;font-size:17px;font-weight:650;line-height:1.3;overflow-wrap:anywhere}
.x{position:relative;display:flex;flex:none;align-items:center;justify-content:center;width:34px;height:34px;padding:0;border:0;border-radius:8px;background:none;color:inherit}
.x::before{content:"";position:absolute;top:0;right:0;bottom:0;left:0;border-radius:inherit;background:currentColor;opacity:0;transition:opacity .15s}
.x:hover::before{opacity:.14}
.x:focus-visible{outline:2px solid currentColor;outline-offset:1px}
.body{flex:1;overflow:auto;overscroll-behavior:contain;padding:18px 20px 6px}
.foot{flex:none;padding:12px 20px 16px;background:var(--bg);border-top:1px solid var(--ln)}
.intro{margin:0 0 16px;color:var(--mt);white-space:pre-line;overflow-wrap:anywhere}
.note{margin:-8px 0 14px;font-size:12px;color:var(--mt)}
.req{margin-left:2px;color:var(--er)}
.f{margin:0 0 14px}
.l{display:block;margin:0 0 6px;font-size:13px;font-weight:600;overflow-wrap:anywhere}
.i{display:block;width:100%;min-height:40px;padding:9px 12px;font-size:14px;line-height:1.4;color:var(--t);background:var(--bg);border:1px solid var(--ln2);border-radius:8px;outline:0;-webkit-appearance:none;appearance:none;transition:border-color .15s,box-shadow .15s}
.i::placeholder{color:var(--mt);opacity:.8}
textarea.i{min-height:104px;resize:vertical}
select.i{padding-right:36px}
.sel{position:relative}
.sel::after{content:"";position:absolute;top:50%;right:15px;width:7px;height:7px;border:solid var(--mt);border-width:0 2px 2px 0;transform:translateY(-70%) rotate(45deg);pointer-events:none}
.i:focus{border-color:var(--p);box-shadow:0 0 0 3px var(--rg)}
.i[aria-invalid=true]{border-color:var(--er)}
.i[aria-invalid=true]:focus{box-shadow:0 0 0 3px var(--ers)}
.err{margin:5px 0 0;font-size:12.5px;line-height:1.35;color:var(--er)}
.err:empty{margin:0}
.cb{display:flex;align-items:flex-start;gap:10px}
.cb input{flex:none;width:18px;height:18px;margin:1px 0 0;accent-color:var(--p);cursor:pointer}
.cb .l{margin:0;font-size:14px;font-weight:400;cursor:pointer}
.cb input[aria-invalid=true]{outline:2px solid var(--er);outline-offset:1px}
.hp{position:absolute!important;left:-10000px!important;top:auto;width:1px;height:1px;overflow:hidden}
.vh{position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;opacity:0}
.pick{display:inline-flex;align-items:center;gap:8px;padding:8px 14px;border:1px dashed var(--ln2);border-radius:8px;font-size:13px;font-weight:500;cursor:pointer;transition:border-color .15s,color .15s}
.pick:hover{border-color:var(--p);color:var(--p)}
.vh:focus-visible+.pick{border-color:var(--p);box-shadow:0 0 0 3px var(--rg)}
.hint{display:block;margin-top:6px;font-size:12px;color:var(--mt)}
.fl{margin:0;padding:0;list-style:none}
.fl li{display:flex;align-items:center;gap:8px;margin-top:6px;padding:5px 5px 5px 10px;font-size:13px;background:var(--sf);border:1px solid var(--ln);border-radius:8px}
.fn{flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.fs{flex:none;font-size:12px;color:var(--mt)}
.fl .x{width:26px;height:26px;border-radius:6px;color:var(--mt)}
.st{margin:0 0 12px;font-size:13px;color:var(--mt)}
.st:empty{margin:0}
.st.e{padding:10px 12px;color:var(--er);background:var(--ers);border-radius:8px}
.btn{display:flex;align-items:center;justify-content:center;gap:8px;width:100%;min-height:44px;padding:10px 16px;border:0;border-radius:10px;background:var(--p);color:var(--op);font-size:15px;font-weight:600;line-height:1.2;transition:filter .15s,opacity .15s}
.btn:hover{filter:brightness(1.08)}
.btn[aria-disabled=true]{opacity:.7;cursor:progress;filter:none}
.btn[aria-busy=true]::before{content:"";width:14px;height:14px;border:2px solid currentColor;border-right-color:transparent;border-radius:50%;animation:spin .7s linear infinite}
.btn.ghost{display:inline-flex;width:auto;min-height:40px;padding:8px 18px;background:none;color:var(--t);border:1px solid var(--ln2);font-size:14px}
.ok{padding:20px 4px 16px;text-align:center}
.ok .ic{display:inline-flex;align-items:center;justify-content:center;width:56px;height:56px;margin-bottom:14px;border-radius:50%;background:var(--ps);color:var(--p)}
.ok p{margin:0 0 20px;font-size:15px;white-space:pre-line;overflow-wrap:anywhere}
.ok p:focus{outline:0}
@keyframes rise{from{opacity:0;transform:translateY(10px) scale(.98)}to{opacity:1;transform:none}}
@keyframes fade{from{opacity:0}}
@keyframes spin{to{transform:rotate(360deg)}}
@media (max-width:520px){.panel,.left .panel{top:0;right:0;bottom:0;left:0;width:auto;max-width:none;max-height:none;border-radius:0}}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}
`;

/** The host element's inline style: beats any `!important` rule of the page, takes no room. */
export const HOST_STYLE =
  'all:initial!important;display:block!important;position:fixed!important;top:0!important;left:0!important;' +
  'width:0!important;height:0!important;overflow:visible!important;z-index:2147483647!important';

type Rgb = [number, number, number];

const DEFAULT_COLORS = { primary: '#2563eb', text: '#1f2937', background: '#ffffff' };

/** Resolves any CSS colour through the browser; undefined if it is not one (or not sRGB). */
function toRgb(probe: HTMLElement, value: string): Rgb | undefined {
  probe.style.color = '';
  probe.style.color = value;
  if (!probe.style.color) return undefined;
  const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(getComputedStyle(probe).color);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

const css = (c: Rgb, alpha?: number): string =>
  alpha === undefined ? `rgb(${c.map(Math.round).join(',')})` : `rgba(${c.map(Math.round).join(',')},${alpha})`;

const mix = (a: Rgb, b: Rgb, weight: number): Rgb => [0, 1, 2].map((i) => a[i] * weight + b[i] * (1 - weight)) as Rgb;

function luminance(c: Rgb): number {
  const [r, g, b] = c.map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const contrast = (a: number, b: number): number => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/** Sets the colour variables on the widget's root (which must be in the document). */
export function applyTheme(root: HTMLElement, colors: PublicWebform['colors']): void {
  const probe = root;
  const pick = (key: keyof typeof DEFAULT_COLORS): { value: string; rgb: Rgb } => {
    const raw = (colors[key] || '').trim();
    const rgb = raw ? toRgb(probe, raw) : undefined;
    return rgb ? { value: raw, rgb } : { value: DEFAULT_COLORS[key], rgb: toRgb(probe, DEFAULT_COLORS[key]) ?? [0, 0, 0] };
  };
  const p = pick('primary');
  const t = pick('text');
  const bg = pick('background');
  probe.style.color = '';
  const pl = luminance(p.rgb);
  const dark: Rgb = [17, 24, 39];
  const onPrimary = contrast(1, pl) >= contrast(luminance(dark), pl) ? '#fff' : css(dark);
  const er: Rgb = luminance(bg.rgb) > 0.4 ? [198, 40, 40] : [255, 138, 128];
  const vars: Record<string, string> = {
    p: p.value,
    op: onPrimary,
    t: t.value,
    bg: bg.value,
    mt: css(mix(t.rgb, bg.rgb, 0.68)),
    ln: css(mix(t.rgb, bg.rgb, 0.12)),
    ln2: css(mix(t.rgb, bg.rgb, 0.26)),
    sf: css(mix(t.rgb, bg.rgb, 0.035)),
    ps: css(mix(p.rgb, bg.rgb, 0.12)),
    rg: css(p.rgb, 0.28),
    er: css(er),
    ers: css(mix(er, bg.rgb, 0.09)),
  };
  for (const name of Object.keys(vars)) root.style.setProperty(`--${name}`, vars[name]);
}
