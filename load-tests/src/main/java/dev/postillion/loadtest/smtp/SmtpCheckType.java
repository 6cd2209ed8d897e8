package dev.postillion.loadtest.smtp;

import io.gatling.javaapi.core.CheckBuilder;

/**
 * The kinds of SMTP check: a check of the reply code replaces the default one (a 2xx reply),
 * as a status check does in Gatling's HTTP protocol; the others add to it.
 */
enum SmtpCheckType implements CheckBuilder.CheckType {
    REPLY_CODE,
    REPLY
}
