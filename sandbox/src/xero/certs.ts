import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

/**
 * A certificate authority made at start-up, and a server certificate it signs for Xero's host
 * names, so the stand-in can answer `https://identity.xero.com` and `https://api.xero.com` over
 * TLS. Nothing here is written to disk or added to any trust store: the CA's PEM is handed to
 * the sandbox routing agent, which trusts it for the Xero host names only.
 *
 * Keys come from Node's crypto (fast, native); node-forge builds and signs the X.509 structures.
 */
export interface LocalTls {
  /** PEM of the CA certificate (what a client must trust). */
  caPem: string;
  /** PEM of the server certificate (SANs: `hosts`). */
  certPem: string;
  /** PEM (PKCS#8) of the server certificate's private key. */
  keyPem: string;
  hosts: string[];
}

export const XERO_HOSTS = ["identity.xero.com", "api.xero.com", "login.xero.com"] as const;

function keyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.PrivateKey; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { publicKey: forge.pki.publicKeyFromPem(publicKey), privateKey: forge.pki.privateKeyFromPem(privateKey), privatePem: privateKey };
}

function serial(): string {
  // Positive, 16 bytes: the high bit cleared so DER does not read it as negative.
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f;
  return b.toString("hex");
}

/** A fresh CA and a server certificate for `hosts`, valid from an hour ago for `days` days. */
export function createLocalTls(hosts: readonly string[] = XERO_HOSTS, days = 30): LocalTls {
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + days * 86400_000);

  const caKeys = keyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  ca.validity.notBefore = notBefore;
  ca.validity.notAfter = notAfter;
  const caName = [
    { name: "commonName", value: "Giftloop sandbox CA (Xero stand-in)" },
    { name: "organizationName", value: "Giftloop sandbox" },
  ];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  ca.sign(caKeys.privateKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());

  const leafKeys = keyPair();
  const leaf = forge.pki.createCertificate();
  leaf.publicKey = leafKeys.publicKey;
  leaf.serialNumber = serial();
  leaf.validity.notBefore = notBefore;
  leaf.validity.notAfter = notAfter;
  leaf.setSubject([{ name: "commonName", value: hosts[0] ?? "localhost" }]);
  leaf.setIssuer(caName);
  leaf.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: hosts.map((value) => ({ type: 2, value })) },
    { name: "authorityKeyIdentifier", keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  leaf.sign(caKeys.privateKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());

  return {
    caPem: forge.pki.certificateToPem(ca),
    certPem: forge.pki.certificateToPem(leaf),
    keyPem: leafKeys.privatePem,
    hosts: [...hosts],
  };
}
