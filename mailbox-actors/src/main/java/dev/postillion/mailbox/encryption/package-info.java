/**
 * Encryption at rest (SPEC section 7): an address's OpenPGP key pair on Curve25519
 * ({@link MailboxKeys}), its secret key wrapped under its password ({@link KeyWrap}), messages
 * encrypted to its public key as they are stored and decrypted with the unwrapped key by the
 * owner's sessions ({@link OpenPgpMessages}), and the threads all of it runs on
 * ({@link MailEncryption}).
 */
package dev.postillion.mailbox.encryption;
