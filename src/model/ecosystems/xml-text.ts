/**
 * A reader for the plain XML that build files use (pom.xml, settings.xml, *.csproj, *.sln's XML
 * sibling .slnx, Directory.Build.props, NuGet.Config): elements, attributes, text, comments,
 * CDATA and the five predefined entities.
 *
 * A DOCTYPE or an entity declaration is refused with a reason: an external entity would make the
 * real parser read another file, and an internal one changes the text in ways this reader does
 * not follow.
 */

export interface XmlElement {
  /** The tag name as written, with any namespace prefix. */
  name: string;
  attributes: Map<string, string>;
  children: XmlElement[];
  /** The element's own text (not its children's), entities decoded, trimmed. */
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(raw: string): string | null {
  let ok = true;
  const text = raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (_, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    const value = ENTITIES[name];
    if (value === undefined) ok = false;
    return value ?? '';
  });
  return ok && !/&(?![^;]*;)/.test(raw) ? text : null;
}

/** The document's root element, or why the text is outside what this reader accepts. */
export function parseXml(source: string, file: string): XmlElement | string {
  const text = source.replace(/^\uFEFF/, '');
  const stack: { element: XmlElement; text: string }[] = [];
  let root: XmlElement | null = null;
  let i = 0;
  const appendText = (raw: string): string | null => {
    if (stack.length === 0) return raw.trim() === '' ? null : `${file} has text outside its root element`;
    const decoded = decode(raw);
    if (decoded === null) return `${file} uses an XML entity dockeropt does not know`;
    stack[stack.length - 1]!.text += decoded;
    return null;
  };
  while (i < text.length) {
    const open = text.indexOf('<', i);
    const chunk = text.slice(i, open < 0 ? text.length : open);
    const textProblem = appendText(chunk);
    if (textProblem) return textProblem;
    if (open < 0) break;
    if (text.startsWith('<!--', open)) {
      const end = text.indexOf('-->', open + 4);
      if (end < 0) return `${file} has an unterminated comment`;
      i = end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', open)) {
      const end = text.indexOf(']]>', open + 9);
      if (end < 0 || stack.length === 0) return `${file} has a CDATA section dockeropt cannot read`;
      stack[stack.length - 1]!.text += text.slice(open + 9, end);
      i = end + 3;
      continue;
    }
    if (text.startsWith('<?', open)) {
      const end = text.indexOf('?>', open + 2);
      if (end < 0) return `${file} has an unterminated processing instruction`;
      i = end + 2;
      continue;
    }
    if (text.startsWith('<!', open)) return `${file} has a DOCTYPE or entity declaration, which may pull in other files`;
    const close = /^<\/([^\s>]+)\s*>/.exec(text.slice(open, open + 300));
    if (close) {
      const top = stack.pop();
      if (!top || top.element.name !== close[1]) return `${file} is not well-formed XML (</${close[1]}>)`;
      top.element.text = top.text.trim();
      i = open + close[0].length;
      continue;
    }
    const tag = /^<([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(text.slice(open));
    if (!tag) return `${file} has a tag dockeropt cannot read near offset ${open}`;
    const attributes = new Map<string, string>();
    for (const attribute of tag[2]!.matchAll(/([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const value = decode(attribute[2] ?? attribute[3] ?? '');
      if (value === null) return `${file} uses an XML entity dockeropt does not know`;
      attributes.set(attribute[1]!, value);
    }
    const element: XmlElement = { name: tag[1]!, attributes, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1]!.element.children.push(element);
    else if (root) return `${file} has more than one root element`;
    else root = element;
    if (tag[3] !== '/') stack.push({ element, text: '' });
    i = open + tag[0].length;
  }
  if (stack.length > 0) return `${file} ends inside <${stack[stack.length - 1]!.element.name}>`;
  return root ?? `${file} has no root element`;
}

/** The local name of an element, without a namespace prefix. */
export function localName(element: XmlElement): string {
  return element.name.slice(element.name.indexOf(':') + 1);
}

/** Child elements with this local name. */
export function childElements(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => localName(child) === name);
}

/** The elements at a path of local names below `element` (`['build', 'plugins', 'plugin']`). */
export function elementsAt(element: XmlElement, names: readonly string[]): XmlElement[] {
  let level = [element];
  for (const name of names) level = level.flatMap((item) => childElements(item, name));
  return level;
}

/** The text of the first element at a path, or null when there is none. */
export function textAt(element: XmlElement, names: readonly string[]): string | null {
  return elementsAt(element, names)[0]?.text ?? null;
}

/** Every element below `element` (not itself), depth first. */
export function descendants(element: XmlElement): XmlElement[] {
  return element.children.flatMap((child) => [child, ...descendants(child)]);
}
