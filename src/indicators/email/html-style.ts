/**
 * Reads the inline styling that hides text from a reader: `display:none`, `visibility:hidden`,
 * `font-size:0`, `opacity:0`, the `hidden` attribute, and text coloured like its background (the
 * classic white-on-white). Only inline `style` and legacy attributes are read; rules in `<style>`
 * blocks are not resolved (that needs a CSS engine, and most hiding in phish is inline).
 */
import type { HiddenTextReason } from './types';

type Attributes = Record<string, string>;

const NAMED: Readonly<Record<string, string>> = {
  white: '#ffffff',
  black: '#000000',
  red: '#ff0000',
  blue: '#0000ff',
  green: '#008000',
  gray: '#808080',
  grey: '#808080',
  silver: '#c0c0c0',
  yellow: '#ffff00',
  transparent: 'transparent',
};

/** `prop: value; ...` into a map of lower-case properties, `!important` dropped. */
function declarations(style: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!style) return out;
  for (const declaration of style.slice(0, 4096).split(';')) {
    const colon = declaration.indexOf(':');
    if (colon <= 0) continue;
    const value = declaration
      .slice(colon + 1)
      .replace('!important', '')
      .trim()
      .toLowerCase();
    out.set(declaration.slice(0, colon).trim().toLowerCase(), value);
  }
  return out;
}

/** A colour as `#rrggbb`, or undefined for anything not recognised. */
export function normaliseColor(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim().toLowerCase();
  const named = NAMED[value];
  if (named) return named;
  if (/^#[0-9a-f]{6}$/.test(value)) return value;
  if (/^#[0-9a-f]{3}$/.test(value)) return `#${value[1]}${value[1]}${value[2]}${value[2]}${value[3]}${value[3]}`;
  const rgb = /^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*[\d.]{1,8}\s*)?\)$/.exec(value);
  if (rgb)
    return `#${rgb
      .slice(1, 4)
      .map((n) => Math.min(255, Number(n)).toString(16).padStart(2, '0'))
      .join('')}`;
  return undefined;
}

function isZero(value: string | undefined): boolean {
  if (value === undefined) return false;
  const number = Number.parseFloat(value);
  return number === 0 && /^[0.]+(?:px|pt|em|rem|%)?$/.test(value);
}

/** What an element's own attributes say about how its text shows. */
export interface ElementStyle {
  /** Why the element hides its content, or undefined when its own style does not. */
  hidden: HiddenTextReason | undefined;
  color: string | undefined;
  background: string | undefined;
}

const UNSTYLED: ElementStyle = Object.freeze({ hidden: undefined, color: undefined, background: undefined });

/** Reads the style attribute once per element; most elements have none of the attributes involved. */
export function elementStyle(attribs: Attributes): ElementStyle {
  if (!attribs.style && !attribs.color && !attribs.bgcolor && !attribs.size && !('hidden' in attribs)) return UNSTYLED;
  const style = declarations(attribs.style);
  let hidden: HiddenTextReason | undefined;
  if (style.get('display') === 'none' || 'hidden' in attribs) hidden = 'display-none';
  else if (style.get('visibility') === 'hidden') hidden = 'visibility-hidden';
  else if (isZero(style.get('font-size')) || attribs.size === '0') hidden = 'font-size-zero';
  else if (isZero(style.get('opacity'))) hidden = 'opacity-zero';
  const background = style.get('background-color') ?? style.get('background')?.split(' ')[0];
  return {
    hidden,
    color: normaliseColor(style.get('color') ?? attribs.color),
    background: normaliseColor(background ?? attribs.bgcolor),
  };
}
