package dev.postillion.mailbox;

/**
 * A user name and password that {@link Directory#authenticate} accepted: the address logged in
 * as, and which of its credentials the password was (the address's own, or which app password),
 * for the session's end when that credential changes and for its last use.
 */
public record Login(Address address, Credential credential) {}
