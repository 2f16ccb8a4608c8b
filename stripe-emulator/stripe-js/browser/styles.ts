/** Appearance API subset: `theme`, and the common `variables`. */
export interface Appearance {
  theme?: 'stripe' | 'night' | 'flat' | string;
  variables?: Record<string, string | undefined>;
  rules?: Record<string, Record<string, string>>;
  labels?: 'above' | 'floating';
}

const CSS = `
.se-root{--se-primary:#0570de;--se-bg:#fff;--se-text:#30313d;--se-danger:#df1b41;--se-radius:6px;--se-font:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;--se-border:#e6e6e6;--se-muted:#6d6e78;font-family:var(--se-font);color:var(--se-text);font-size:15px}
.se-root *{box-sizing:border-box}
.se-tabs{display:grid;grid-template-columns:repeat(auto-fit,minmax(120px,1fr));gap:12px;margin-bottom:16px}
.se-tab{display:flex;flex-direction:column;align-items:flex-start;gap:4px;font:inherit;font-weight:600;font-size:14px;padding:10px 12px;border:1px solid var(--se-border);border-radius:var(--se-radius);background:var(--se-bg);color:var(--se-muted);cursor:pointer;box-shadow:0 1px 1px rgba(0,0,0,.03),0 3px 6px rgba(0,0,0,.02);text-align:left}
.se-tab[aria-selected="true"]{border-color:var(--se-primary);color:var(--se-primary);box-shadow:0 0 0 1px var(--se-primary)}
.se-tab-icon{font-size:18px;line-height:1}
.se-grid{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.se-field{display:flex;flex-direction:column;gap:4px;min-width:0}
.se-field.se-wide{grid-column:1/-1}
.se-label{font-size:14px;color:var(--se-text)}
.se-input{font:inherit;width:100%;padding:10px 12px;border:1px solid var(--se-border);border-radius:var(--se-radius);background:var(--se-bg);color:var(--se-text);box-shadow:0 1px 1px rgba(0,0,0,.03),0 3px 6px rgba(0,0,0,.02);outline:none;transition:border-color .15s,box-shadow .15s}
.se-input:focus{border-color:var(--se-primary);box-shadow:0 0 0 3px color-mix(in srgb,var(--se-primary) 25%,transparent)}
.se-input[aria-invalid="true"]{border-color:var(--se-danger);color:var(--se-danger)}
.se-error{font-size:13px;color:var(--se-danger);min-height:0}
.se-error:empty{display:none}
.se-note{grid-column:1/-1;font-size:12px;color:var(--se-muted);line-height:1.45;margin:4px 0 0}
.se-card-row{display:grid;grid-template-columns:minmax(0,2.2fr) minmax(0,1fr) minmax(0,.8fr);gap:8px}
.se-test-badge{display:inline-block;font-size:11px;font-weight:600;letter-spacing:.02em;color:#a04100;background:#fcedb9;border-radius:4px;padding:1px 6px;margin-bottom:10px}
.se-overlay{position:fixed;inset:0;background:rgba(10,15,30,.55);display:flex;align-items:center;justify-content:center;z-index:2147483647}
.se-dialog{background:#fff;border-radius:10px;box-shadow:0 10px 40px rgba(0,0,0,.3);width:min(480px,94vw);max-height:92vh;overflow:auto;padding:20px}
.se-dialog h2{font-size:18px;margin:0 0 12px}
.se-dialog iframe{width:100%;height:420px;border:0}
.se-actions{display:flex;gap:12px;justify-content:flex-end;margin-top:16px}
.se-button{font:inherit;font-weight:600;padding:9px 16px;border-radius:var(--se-radius);border:1px solid var(--se-border);background:#fff;color:var(--se-text);cursor:pointer}
.se-button.se-primary{background:var(--se-primary);border-color:var(--se-primary);color:#fff}
`;

export function ensureStyles(): void {
  if (document.getElementById('stripe-emulator-styles')) return;
  const style = document.createElement('style');
  style.id = 'stripe-emulator-styles';
  style.textContent = CSS;
  document.head.appendChild(style);
}

const VARIABLES: Record<string, string> = {
  colorPrimary: '--se-primary',
  colorBackground: '--se-bg',
  colorText: '--se-text',
  colorDanger: '--se-danger',
  borderRadius: '--se-radius',
  fontFamily: '--se-font',
  colorTextSecondary: '--se-muted',
};

/** Maps the Appearance API onto the stand-in's CSS variables. */
export function applyAppearance(root: HTMLElement, appearance: Appearance | undefined): void {
  if (appearance?.theme === 'night') {
    root.style.setProperty('--se-bg', '#30313d');
    root.style.setProperty('--se-text', '#fff');
    root.style.setProperty('--se-border', '#424353');
  }
  for (const [name, value] of Object.entries(appearance?.variables ?? {})) {
    const cssVar = VARIABLES[name];
    if (cssVar && value) root.style.setProperty(cssVar, value);
  }
}
