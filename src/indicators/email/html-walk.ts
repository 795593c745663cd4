/**
 * One streaming pass of htmlparser2 over an HTML body: the links it carries (href, src, form
 * action, meta refresh), its visible text, the text styled to be invisible, and each `<a>` whose
 * visible text names another site than its href. No DOM is built and no regular expression runs
 * over the markup.
 *
 * htmlparser2 keeps its open-element stack in an array it unshifts, so nesting depth costs it
 * quadratic time; the walk mirrors that stack and gives up past MAX_DEPTH (keeping what it found),
 * which bounds the work on a nesting bomb.
 */
import { Parser } from 'htmlparser2';
import { elementStyle } from './html-style';
import type { HiddenTextReason } from './types';

export interface HtmlLink {
  /** `html:href`, `html:src`, `html:form-action` or `html:meta-refresh`. */
  foundIn: string;
  value: string;
}

export interface AnchorText {
  href: string;
  text: string;
}

export interface HtmlWalk {
  links: HtmlLink[];
  visibleText: string;
  hiddenText: string;
  hiddenCharacters: Map<HiddenTextReason, number>;
  anchors: AnchorText[];
  forms: number;
  /** Why the walk stopped early, if it did. */
  truncated: string | undefined;
}

const MAX_DEPTH = 512;
const MAX_ANCHOR_TEXT = 1000;
const SKIPPED_CONTENT = new Set(['script', 'style', 'template', 'head']);
const INLINE = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'big',
  'cite',
  'code',
  'em',
  'font',
  'i',
  'kbd',
  'mark',
  'q',
  's',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'u',
  'wbr',
]);
const SRC_ELEMENTS = new Set([
  'img',
  'iframe',
  'frame',
  'script',
  'embed',
  'source',
  'video',
  'audio',
  'input',
  'track',
]);

interface Frame {
  name: string;
  hidden: HiddenTextReason | undefined;
  color: string | undefined;
  background: string | undefined;
}

class DepthExceeded extends Error {}

function metaRefreshUrl(content: string): string | undefined {
  const at = content.toLowerCase().indexOf('url=');
  if (at < 0) return undefined;
  const url = content
    .slice(at + 4)
    .trim()
    .replace(/^['"]|['"]$/g, '');
  return url === '' ? undefined : url;
}

export function walkHtml(html: string): HtmlWalk {
  const walk: HtmlWalk = {
    links: [],
    visibleText: '',
    hiddenText: '',
    hiddenCharacters: new Map(),
    anchors: [],
    forms: 0,
    truncated: undefined,
  };
  const visible: string[] = [];
  const hidden: string[] = [];
  const stack: Frame[] = [{ name: '#root', hidden: undefined, color: undefined, background: undefined }];
  let skipDepth = 0;
  let anchor: AnchorText | undefined;

  const link = (foundIn: string, value: string | undefined): void => {
    const trimmed = value?.trim();
    if (trimmed) walk.links.push({ foundIn, value: trimmed });
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const parent = stack[stack.length - 1] as Frame;
        const colors = elementStyle(attribs);
        const frame: Frame = {
          name,
          hidden: parent.hidden ?? colors.hidden,
          color: colors.color ?? parent.color,
          background:
            colors.background === undefined || colors.background === 'transparent'
              ? parent.background
              : colors.background,
        };
        const invisibleColor =
          colors.color === 'transparent' ||
          (colors.color !== undefined && colors.color === (frame.background ?? '#ffffff'));
        if (!frame.hidden && invisibleColor) frame.hidden = 'same-color-as-background';
        stack.push(frame);
        if (stack.length > MAX_DEPTH) throw new DepthExceeded();
        if (SKIPPED_CONTENT.has(name)) skipDepth++;
        if (!INLINE.has(name)) visible.push(' ');
        if (name === 'a' || name === 'area' || name === 'link') link('html:href', attribs.href);
        if (SRC_ELEMENTS.has(name)) link('html:src', attribs.src);
        if (attribs.background) link('html:src', attribs.background);
        if (name === 'form') {
          walk.forms++;
          link('html:form-action', attribs.action);
        }
        if (attribs.formaction) link('html:form-action', attribs.formaction);
        if (name === 'meta' && attribs['http-equiv']?.toLowerCase() === 'refresh')
          link('html:meta-refresh', metaRefreshUrl(attribs.content ?? ''));
        if (name === 'a' && attribs.href) anchor = { href: attribs.href.trim(), text: '' };
      },
      ontext(text) {
        if (skipDepth > 0) return;
        const frame = stack[stack.length - 1] as Frame;
        if (frame.hidden) {
          hidden.push(text);
          const characters = text.replace(/\s+/g, '').length;
          if (characters > 0)
            walk.hiddenCharacters.set(frame.hidden, (walk.hiddenCharacters.get(frame.hidden) ?? 0) + characters);
          return;
        }
        visible.push(text);
        if (anchor && anchor.text.length < MAX_ANCHOR_TEXT) anchor.text += text;
      },
      onclosetag(name) {
        if (stack.length > 1) stack.pop();
        if (SKIPPED_CONTENT.has(name) && skipDepth > 0) skipDepth--;
        if (!INLINE.has(name)) visible.push(' ');
        if (name === 'a' && anchor) {
          anchor.text = anchor.text.replace(/\s+/g, ' ').trim();
          walk.anchors.push(anchor);
          anchor = undefined;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  try {
    parser.end(html);
  } catch (err) {
    if (!(err instanceof DepthExceeded)) throw err;
    walk.truncated = `HTML nested deeper than ${MAX_DEPTH} elements; the rest was not analysed`;
  }
  walk.visibleText = visible.join('');
  walk.hiddenText = hidden.join(' ');
  return walk;
}
