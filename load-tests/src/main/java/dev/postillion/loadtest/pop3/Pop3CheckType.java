package dev.postillion.loadtest.pop3;

import io.gatling.javaapi.core.CheckBuilder;

/** The kinds of POP3 check: a check of the status (+OK, -ERR) replaces the default one (+OK). */
enum Pop3CheckType implements CheckBuilder.CheckType {
    STATUS,
    REPLY
}
