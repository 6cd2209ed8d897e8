package dev.postillion.mailbox;

import dev.postillion.core.EmailAddress;

/**
 * The address's password changed, or one of its app passwords was revoked: the logins of {@code
 * address} made with {@code credential}'s key at a lower version than its end, on every node.
 *
 * @param address in canonical form
 */
public record CredentialChange(EmailAddress address, Credential credential) {}
