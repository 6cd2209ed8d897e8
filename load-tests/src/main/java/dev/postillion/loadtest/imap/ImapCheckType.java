package dev.postillion.loadtest.imap;

import io.gatling.javaapi.core.CheckBuilder;

/**
 * The kinds of IMAP check: a check of the status (OK, NO, BAD) replaces the default one (OK), as
 * a status check does in Gatling's HTTP protocol; the others add to it.
 */
enum ImapCheckType implements CheckBuilder.CheckType {
    STATUS,
    RESPONSE
}
