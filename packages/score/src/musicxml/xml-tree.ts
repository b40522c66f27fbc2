/** An element of a parsed XML document. */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]);
}

/**
 * A small non-validating XML parser (elements, attributes, text; skips the prolog, comments and DOCTYPE),
 * enough to read MusicXML back. Throws SyntaxError on mismatched tags.
 */
export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml)) !== null) {
    const top = stack[stack.length - 1];
    if (m[5] !== undefined) {
      top.text += decode(m[5]);
      continue;
    }
    if (m[2] === undefined) continue;
    if (m[1] === '/') {
      if (top.name !== m[2]) throw new SyntaxError(`XML: </${m[2]}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3].matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]] = decode(a[2] ?? a[3] ?? '');
    const el: XmlElement = { name: m[2], attrs, children: [], text: '' };
    top.children.push(el);
    if (m[4] !== '/') stack.push(el);
  }
  if (stack.length !== 1) throw new SyntaxError(`XML: <${stack[stack.length - 1].name}> is not closed`);
  return root;
}

/** The first child element named `name`. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

/** Trimmed text of the first child named `name`, or undefined. */
export function childText(el: XmlElement, name: string): string | undefined {
  const c = child(el, name);
  return c ? c.text.trim() : undefined;
}
