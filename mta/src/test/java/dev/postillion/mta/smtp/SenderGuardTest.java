package dev.postillion.mta.smtp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sender guard on From, Sender and Resent-From: what it lets through is what a mail client shows as the author. */
class SenderGuardTest {

    private static final Set<String> OWN = Set.of("anna@submit.test", "jps@submit.test");

    @ParameterizedTest
    @ValueSource(strings = {
        "From: anna@submit.test",
        "From: Anna <anna@submit.test>",
        "From: \"Anna, at work\" <ANNA@submit.test>",
        "From: anna@submit.test (Anna), Jean-Pierre <jps@submit.test>",
        "From:\r\n\tAnna <anna@submit.test>",
        "From: Anna <anna@submit.test>\r\nSender: jps@submit.test",
        "From: anna@submit.test\r\nResent-From: jps@submit.test\r\nResent-Sender: anna@submit.test",
    })
    void ownAddressesPass(String from) {
        assertTrue(SenderGuard.authorsAllowed(message(from), OWN), from);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "From: ceo@bank.example",
        "From: anna@submit.test, ceo@bank.example",
        // What a mail client reads as the author must be what is checked.
        "From: <ceo@bank.example> <anna@submit.test>",
        "From: ceo@bank.example: anna@submit.test;",
        "From: Friends: anna@submit.test;",
        "From: anna@submit.test\r\nFrom: ceo@bank.example",
        "From: ceo@bank.example:\r\nFrom: anna@submit.test",
        "From: anna@submit.test <ceo@bank.example>x",
        "From: anna@submit.test ceo@bank.example",
        "From: <anna@submit.test",
        "From:",
        "Subject: no From at all",
        // Sender and the Resent- fields name an author too (RFC 5322 sections 3.6.2 and 3.6.6).
        "From: anna@submit.test\r\nSender: ceo@bank.example",
        "From: anna@submit.test\r\nSender: anna@submit.test\r\nSender: ceo@bank.example",
        "From: anna@submit.test\r\nSender:",
        "From: anna@submit.test\r\nResent-From: ceo@bank.example",
        "From: anna@submit.test\r\nResent-From: jps@submit.test\r\nResent-From: ceo@bank.example",
        "From: anna@submit.test\r\nResent-Sender: Boss <ceo@bank.example>",
    })
    void anythingElseFails(String from) {
        assertFalse(SenderGuard.authorsAllowed(message(from), OWN), from);
    }

    private static byte[] message(String header) {
        return (header + "\r\nSubject: hi\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
