// A small XML reader for TwiML documents: elements, attributes and text, nothing more.

/** One TwiML element: a verb (`Say`, `Dial`, `Connect`…) or a noun nested in one. */
export interface TwimlElement {
  /** Tag name as written (`Connect`, `Stream`, `Parameter`…). */
  name: string;
  /** Attributes, entity-decoded. */
  attributes: Record<string, string>;
  /** Child elements in document order. */
  children: TwimlElement[];
  /** Text content directly inside the element, entity-decoded and trimmed. */
  text: string;
}

/** The document is not TwiML Twilio could run (Twilio reports this as error 12100). */
export class TwimlParseError extends Error {
  /** Twilio's error code for a document parse failure. */
  readonly code = 12100;

  constructor(message: string) {
    super(message);
    this.name = 'TwimlParseError';
  }
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const TOKEN =
  /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/y;
const ATTRIBUTE = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Decodes the five XML entities and numeric character references. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));

    return ENTITIES[name] ?? whole;
  });
}

function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(ATTRIBUTE)) {
    attributes[match[1] ?? ''] = decodeEntities(match[2] ?? match[3] ?? '');
  }

  return attributes;
}

/** Parses a TwiML document and returns its `<Response>` root element. */
export function parseTwiml(xml: string): TwimlElement {
  const root: TwimlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: TwimlElement[] = [root];
  TOKEN.lastIndex = 0;

  while (TOKEN.lastIndex < xml.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(xml);
    if (!match) throw new TwimlParseError(`malformed XML at offset ${at}`);

    const [, closing, name, attributes, selfClosing, text] = match;
    const parent = stack[stack.length - 1] as TwimlElement;
    if (text !== undefined) {
      parent.text = (parent.text + decodeEntities(text)).trim();
    } else if (name !== undefined && closing === '/') {
      if (parent.name !== name)
        throw new TwimlParseError(`</${name}> does not close <${parent.name}>`);
      stack.pop();
    } else if (name !== undefined) {
      const element = {
        name,
        attributes: parseAttributes(attributes ?? ''),
        children: [],
        text: '',
      };
      parent.children.push(element);
      if (selfClosing !== '/') stack.push(element);
    }
  }

  if (stack.length !== 1) throw new TwimlParseError('unclosed element at end of document');
  const response = root.children[0];
  if (root.children.length !== 1 || response?.name !== 'Response') {
    throw new TwimlParseError('the root element must be <Response>');
  }

  return response;
}
