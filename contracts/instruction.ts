// The release instruction schema shared by pledge.release and pledge.partialRelease. [REL-1]
import { object, oneOf, text } from './schema-parts.js';

export const INSTRUCTION_SCHEMA = object('The bank\'s explicit release instruction, recorded on the pledge', {
  reference: text('The bank\'s own reference for this instruction', 128),
  reason: oneOf('Why the lien is lifted', ['repaid', 'partially-repaid', 'substitution', 'other']),
}, {
  note: text('Free text for the record', 1024),
});
