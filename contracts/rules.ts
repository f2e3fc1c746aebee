// Rule ids of the receipt and pledge lifecycle. Each id is cited in a comment at the line that enforces it,
// and the property tests in test/contracts check the invariants among them after every step.
//
// [GEN-1]   ledger.genesis is the entry at index 0 and only that entry; every other type needs genesis first.
// [ID-1]    party, device and lot ids are chosen by the submitter, validated, and unique; receipt, pledge and
//           alert ids derive from ctx.index (never random), so they are printable and sort by creation.
// [KEY-1]   a public key is base64 of 32 bytes and acceptable to services.checkPublicKey when given.
// [KEY-2]   party.rotateKey is signed by the party's current key; the old key stops at the next entry; a party
//           never takes back a key it held before.
// [AUTH-1]  every party a transaction requires must be among ctx.signers (verified signatures).
// [AUTH-2]  a named or signing party must be registered, active, and of the role the transaction demands.
// [AUTH-3]  only the operator registers and revokes parties; the operator itself cannot be revoked.
// [DEV-1]   a device belongs to the warehouse that registered it; only that warehouse revokes it.
// [SING-1]  singularity: per lot, live + paper + withdrawn quantity never exceeds the deposited quantity.
// [SING-2]  a lot is deposited once, by its warehouse; every receipt on it matches its identity (site, bay,
//           commodity, unit).
// [SING-3]  a receipt has exactly one holder, always a registered party.
// [QTY-1]   quantities and amounts are decimal strings with at most the unit's (currency's) decimals, > 0,
//           and ≤ the stated bound; arithmetic is exact (BigInt in minimal units).
// [QTY-2]   split, merge and partial release conserve quantity exactly.
// [LIEN-1]  a receipt has at most one active pledge.
// [LIEN-2]  a pledged receipt cannot be transferred without its lienholder, nor split, merged, redeemed,
//           converted to paper or pledged again.
// [CTRL-1]  only the holder moves a receipt (transfer, split, merge, pledge, redeem, change of medium).
// [CTRL-2]  only the lienholder releases (wholly or partly) or enforces a pledge.
// [CTRL-3]  enforcement makes the lienholder the holder and ends the pledge as 'enforced'.
// [FRZ-1]   an open critical alert freezes its receipt: no redeem, split, merge, transfer, change of medium
//           or partial release until every critical alert on it is resolved.
// [FRZ-2]   alerts are raised by a gateway party and resolved by the bank of the alert's pledge or by the
//           receipt's warehouse.
// [LIN-1]   a receipt made from others lists them as parents; its parents become inoperative and list it
//           among their successors.
// [MERGE-1] merge only receipts of the same lot, commodity, grade, unit and holder.
// [PAPER-1] receipt.toPaper needs holder + warehouse and records the paper serial; receipt.fromPaper needs
//           the warehouse and the matching serial, and re-issues each paper receipt at most once.
// [RED-1]   receipt.redeem needs holder + warehouse; the goods leave the lot (withdrawn).
// [EXP-1]   a perishable receipt's expiry lies after its issue; an expired receipt cannot be pledged.
// [REL-1]   a release is an explicit signed instruction recorded on the pledge.
// [PLG-1]   a pledge's bank has role bank and is not the holder; its maturity lies after its creation.
// [COV-1]   covenants are explicit and well-formed (ranges ordered, floor ≤ pledged quantity, …).
// [ANC-1]   telemetry is anchored only by gateway parties, over registered devices, with first ≤ last time.

/** Every rule id above, for tests that check each is cited somewhere. */
export const RULE_IDS = [
  'GEN-1', 'ID-1', 'KEY-1', 'KEY-2', 'AUTH-1', 'AUTH-2', 'AUTH-3', 'DEV-1', 'SING-1', 'SING-2', 'SING-3',
  'QTY-1', 'QTY-2', 'LIEN-1', 'LIEN-2', 'CTRL-1', 'CTRL-2', 'CTRL-3', 'FRZ-1', 'FRZ-2', 'LIN-1', 'MERGE-1',
  'PAPER-1', 'RED-1', 'EXP-1', 'REL-1', 'PLG-1', 'COV-1', 'ANC-1',
] as const;
