import type { Params } from './api.js';
import { showError, type Field } from './fields.js';
import { applyAppearance, ensureStyles, type Appearance } from './styles.js';

type Handler = (event: unknown) => void;

export interface Collected {
  ok: boolean;
  /** `payment_method_data` for the API when ok. */
  data: Params;
  type: string;
  /** First validation problem (`validation_error`), when not ok. */
  message?: string;
}

/**
 * What Elements share: `mount`/`unmount`/`destroy`, `on`/`off`/`once`, `focus`/`blur`/`clear`,
 * `update`. Renders into the container itself (no iframe) with real, labelled inputs.
 */
export abstract class BaseElement {
  protected root: HTMLElement | null = null;
  private handlers = new Map<string, Set<Handler>>();
  protected fields: Field[] = [];
  private touched = new WeakSet<Field>();
  private wired = new WeakSet<Field>();
  destroyed = false;

  constructor(
    readonly elementType: string,
    protected options: Record<string, unknown>,
    protected appearance: () => Appearance | undefined,
  ) {}

  on(event: string, handler: Handler): this {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler);
    return this;
  }

  off(event: string, handler?: Handler): this {
    if (handler) this.handlers.get(event)?.delete(handler);
    else this.handlers.delete(event);
    return this;
  }

  once(event: string, handler: Handler): this {
    const wrapped: Handler = (e) => {
      this.off(event, wrapped);
      handler(e);
    };
    return this.on(event, wrapped);
  }

  protected emit(event: string, payload: unknown): void {
    for (const h of [...(this.handlers.get(event) ?? [])]) h(payload);
  }

  mount(target: string | HTMLElement): void {
    const el = typeof target === 'string' ? document.querySelector<HTMLElement>(target) : target;
    if (!el) throw new Error(`stripe-emulator: mount target ${String(target)} not found`);
    ensureStyles();
    this.root = document.createElement('div');
    this.root.className = 'se-root';
    this.root.dataset.elementType = this.elementType;
    applyAppearance(this.root, this.appearance());
    el.replaceChildren(this.root);
    this.render();
    setTimeout(() => this.emit('ready', { elementType: this.elementType }), 0);
  }

  unmount(): void {
    this.root?.remove();
    this.root = null;
  }

  destroy(): void {
    this.unmount();
    this.handlers.clear();
    this.destroyed = true;
  }

  update(options: Record<string, unknown>): void {
    this.options = { ...this.options, ...options };
    if (this.root) {
      applyAppearance(this.root, this.appearance());
      this.render();
    }
  }

  focus(): void {
    this.fields[0]?.input.focus();
  }

  blur(): void {
    const active = document.activeElement;
    if (active instanceof HTMLElement && this.root?.contains(active)) active.blur();
  }

  clear(): void {
    for (const f of this.fields) if (f.input instanceof HTMLInputElement) f.input.value = '';
    this.changed();
  }

  collapse(): void {}

  /** Re-render after options or appearance changed. */
  protected abstract render(): void;
  /** The data for confirmation, validating the visible fields. */
  abstract collect(showErrors: boolean): Collected;
  protected abstract changeEvent(): Record<string, unknown>;

  /** Hooks fields to `change`/`focus`/`blur` events and to error display on blur. */
  protected wire(fields: Field[]): void {
    this.fields = fields;
    for (const f of fields) {
      if (this.wired.has(f)) continue;
      this.wired.add(f);
      f.input.addEventListener('input', () => {
        if (this.touched.has(f)) showError(f, f.validate());
        this.changed();
      });
      f.input.addEventListener('change', () => this.changed());
      f.input.addEventListener('focus', () => this.emit('focus', { elementType: this.elementType }));
      f.input.addEventListener('blur', () => {
        const value = f.input.value.trim();
        if (value !== '') {
          this.touched.add(f);
          showError(f, f.validate());
        }
        this.emit('blur', { elementType: this.elementType });
      });
    }
  }

  protected validateAll(fields: Field[], show: boolean): string | null {
    let first: string | null = null;
    for (const f of fields) {
      const message = f.validate();
      if (show) {
        this.touched.add(f);
        showError(f, message);
      }
      first ??= message;
    }
    return first;
  }

  protected isEmpty(fields: Field[]): boolean {
    return fields.every((f) => !(f.input instanceof HTMLInputElement) || f.input.value.trim() === '');
  }

  protected changed(): void {
    this.emit('change', { elementType: this.elementType, ...this.changeEvent() });
  }
}
