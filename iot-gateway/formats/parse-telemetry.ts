// Payload bytes → a typed telemetry message, or a rejection. Pure: size limit, UTF-8, strict JSON (no duplicate
// keys, bounded depth), then the schema.
//
// Devices are asked to send their messages in RFC 8785 form (the simulator does). Such a text has its member names
// strictly increasing in every object (so no duplicates) and no whitespace; once one scan has confirmed that
// (scanCanonicalJson), native JSON.parse reads it exactly, and the bytes the signature covers, RFC 8785 of the
// message without `sig`, are the text with its `sig` member cut out: nothing is serialised again. Any other valid
// JSON gets the strict checks on the same parse and is serialised again by the verifier, with the same outcome.
import { scanCanonicalJson, type CanonicalScan } from '../../ledger/encoding/canonical-text.js';
import { utf8 } from '../../ledger/encoding/bytes.js';
import { checkStrictJsonText, parseStrictJson, StrictJsonError } from '../../ledger/encoding/strict-json.js';
import { reject, type Rejection } from './rejection.js';
import { checkTelemetrySchema } from './telemetry-schema.js';
import { LIMITS, type TelemetryMessage } from './telemetry-message.js';

export type Parsed =
  | {
    readonly ok: true;
    readonly message: TelemetryMessage;
    /** RFC 8785 of the message without `sig`, when the payload was itself RFC 8785 (cut from its text). */
    readonly unsigned?: Uint8Array;
  }
  | ({ readonly ok: false } & Rejection);

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * `text` parsed once: strict JSON (StrictJsonError otherwise), and where its top-level members start when it is
 * RFC 8785 canonical, which implies the strict checks (increasing names, bounded depth, no lone surrogate).
 */
function parse(text: string): { value: unknown; canonical: CanonicalScan | undefined } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { value: parseStrictJson(text, { maxDepth: LIMITS.maxJsonDepth }), canonical: undefined }; // throws, saying what is wrong
  }
  const canonical = scanCanonicalJson(text, LIMITS.maxJsonDepth);
  if (canonical === undefined) checkStrictJsonText(text, { maxDepth: LIMITS.maxJsonDepth });
  return { value, canonical };
}

/**
 * The canonical `text` of a schema-checked message without its top-level `sig` member: removing a member from RFC
 * 8785 text (with the comma that joined it) leaves RFC 8785 text of the rest. Undefined if the member is not found
 * as expected (the caller then serialises the message again).
 */
export function unsignedText(text: string, scan: CanonicalScan): string | undefined {
  const name = '"sig":';
  const at = scan.valueStarts.find((v) => text.startsWith(name, v - name.length));
  if (at === undefined) return undefined;
  const memberStart = at - name.length;
  const before = text.charCodeAt(memberStart - 1);
  if (before !== 0x2c /* , */ && before !== 0x7b /* { */) return undefined; // a longer name ending in "sig (escaped quote)
  const end = text.indexOf('"', at + 1); // the schema allows only base64 in `sig`: no escapes
  if (text.charCodeAt(at) !== 0x22 || end < 0 || text.lastIndexOf('\\', end) > at) return undefined;
  const after = text.charCodeAt(end + 1);
  if (after === 0x2c) return text.slice(0, memberStart) + text.slice(end + 2); // `"sig":"…",` out
  if (after !== 0x7d /* } */ || end + 2 !== text.length) return undefined;
  return before === 0x7b ? '{}' : `${text.slice(0, memberStart - 1)}}`; // `,"sig":"…"` out
}

export function parseTelemetry(payload: Uint8Array): Parsed {
  if (!(payload instanceof Uint8Array)) throw new TypeError('payload: expected Uint8Array');
  if (payload.length > LIMITS.maxPayloadBytes) {
    return reject('TELEMETRY_TOO_LARGE', `payload is ${payload.length} bytes, the limit is ${LIMITS.maxPayloadBytes}`);
  }
  let text: string;
  let parsed: ReturnType<typeof parse>;
  try {
    text = decoder.decode(payload);
    parsed = parse(text);
  } catch (e) {
    if (e instanceof StrictJsonError || e instanceof TypeError) return reject('TELEMETRY_MALFORMED', e.message);
    throw e;
  }
  const checked = checkTelemetrySchema(parsed.value);
  if (!checked.ok) return reject('TELEMETRY_SCHEMA', checked.detail);
  const unsigned = parsed.canonical === undefined ? undefined : unsignedText(text, parsed.canonical);
  return unsigned === undefined ? { ok: true, message: checked.message } : { ok: true, message: checked.message, unsigned: utf8(unsigned) };
}
