// The node's own keys, kept as key files (mode 0600) in <dataDir>/keys and created on first start:
// the log key (signs checkpoints), the operator key (registers parties), the gateway key (anchors telemetry),
// the webhook key (signs webhook deliveries; banks verify them with its public key).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { generateKeyPair, readKeyFile, writeKeyFile, type KeyPair } from '../ledger/crypto/keys.js';

export interface NamedKey extends KeyPair {
  readonly name: string;
}

export interface NodeKeys {
  readonly log: NamedKey;
  readonly operator: NamedKey;
  readonly gateway: NamedKey;
  readonly webhook: NamedKey;
}

export function keyPath(dataDir: string, role: keyof NodeKeys): string {
  return path.join(dataDir, 'keys', `${role}.key.json`);
}

function loadOrCreate(file: string, name: string): NamedKey {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeKeyFile(file, name, generateKeyPair());
  }
  return readKeyFile(file);
}

export function loadNodeKeys(dataDir: string, origin: string): NodeKeys {
  return {
    log: loadOrCreate(keyPath(dataDir, 'log'), origin),
    operator: loadOrCreate(keyPath(dataDir, 'operator'), 'operator'),
    gateway: loadOrCreate(keyPath(dataDir, 'gateway'), 'gateway'),
    webhook: loadOrCreate(keyPath(dataDir, 'webhook'), 'webhook'),
  };
}
